/** Network interface flags through koffi: enough to bring `lo` up in a fresh network namespace. */
import { checkReturn as check, libcFunction as fn } from './ffi';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const IFNAMSIZ = 16;
const IFREQ_SIZE = 40;

/** Sets IFF_UP on the interface `name` (SIOCGIFFLAGS, then SIOCSIFFLAGS). */
export function setLinkUp(name: string): void {
  if (Buffer.byteLength(name) >= IFNAMSIZ) throw new RangeError(`interface name too long: ${name}`);
  const sock = check('socket', fn('int socket(int domain, int type, int protocol)')(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const ifreq = Buffer.alloc(IFREQ_SIZE);
    ifreq.write(name, 0, 'utf8');
    const ioctl = fn('int ioctl(int fd, unsigned long request, _Inout_ void *arg)');
    check('ioctl', ioctl(sock, SIOCGIFFLAGS, ifreq), `SIOCGIFFLAGS ${name}`);
    ifreq.writeInt16LE(ifreq.readInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    check('ioctl', ioctl(sock, SIOCSIFFLAGS, ifreq), `SIOCSIFFLAGS ${name}`);
  } finally {
    fn('int close(int fd)')(sock);
  }
}
