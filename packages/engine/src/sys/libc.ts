/**
 * koffi bindings to the few libc calls Node does not expose. Each wrapper throws SysError on
 * failure. The library is loaded lazily so commands that never make these calls do not pay for it.
 */
import { SysError } from '../errors';
import { checkReturn as check, lastErrno, libcFunction as fn } from './ffi';

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

export function flock(fd: number, op: number): void {
  check('flock', fn('int flock(int fd, int op)')(fd, op));
}

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_NOATIME = 0x400;
export const MS_BIND = 0x1000;
export const MS_MOVE = 0x2000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_SHARED = 0x100000;
export const MS_STRICTATIME = 0x1000000;

export function mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void {
  check('mount', fn('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)')(source, target, fstype, flags, data), `${fstype ?? ''} ${source ?? ''} on ${target}`.trim());
}

export const MNT_DETACH = 2;
export function umount2(target: string, flags: number): void {
  check('umount2', fn('int umount2(const char *target, int flags)')(target, flags), target);
}

export function lsetxattr(path: string, name: string, value: Buffer, flags = 0): void {
  check('lsetxattr', fn('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)')(path, name, value, value.length, flags), `${name} on ${path}`);
}

export function lgetxattr(path: string, name: string): Buffer | null {
  const get = fn('long lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)');
  const size = get(path, name, null, 0);
  if (size < 0) {
    const e = lastErrno();
    if (e === 61 /* ENODATA */) return null;
    throw new SysError('lgetxattr', e, `${name} on ${path}`);
  }
  const buf = Buffer.alloc(size);
  const n = check('lgetxattr', get(path, name, buf, size), `${name} on ${path}`);
  return buf.subarray(0, n);
}

export function llistxattr(path: string): string[] {
  const list = fn('long llistxattr(const char *path, _Out_ void *list, size_t size)');
  const size = check('llistxattr', list(path, null, 0), path);
  if (size === 0) return [];
  const buf = Buffer.alloc(size);
  const n = check('llistxattr', list(path, buf, size), path);
  return buf.subarray(0, n).toString('utf8').split('\0').filter((s) => s.length > 0);
}

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

export function mknod(path: string, mode: number, dev: bigint): void {
  check('mknod', fn('int mknod(const char *path, uint32_t mode, uint64_t dev)')(path, mode, dev), path);
}

export function sethostname(name: string): void {
  const buf = Buffer.from(name);
  check('sethostname', fn('int sethostname(const char *name, size_t len)')(buf, buf.length));
}

export const MFD_CLOEXEC = 1;
export const MFD_ALLOW_SEALING = 2;
export function memfdCreate(name: string, flags: number): number {
  return check('memfd_create', fn('int memfd_create(const char *name, unsigned int flags)')(name, flags));
}

export const F_ADD_SEALS = 1033;
export const F_SEAL_SEAL = 1;
export const F_SEAL_SHRINK = 2;
export const F_SEAL_GROW = 4;
export const F_SEAL_WRITE = 8;
export const F_SETFD = 2;
export const F_GETFD = 1;
export const FD_CLOEXEC = 1;
export function fcntl(fd: number, cmd: number, arg: number): number {
  return check('fcntl', fn('int fcntl(int fd, int cmd, int arg)')(fd, cmd, arg));
}

export function ioctlInt(fd: number, request: number, arg: number): number {
  return check('ioctl', fn('int ioctl(int fd, unsigned long request, int arg)')(fd, request, arg));
}

export function ioctlPtr(fd: number, request: number, arg: Buffer): number {
  return check('ioctl', fn('int ioctl(int fd, unsigned long request, _Inout_ void *arg)')(fd, request, arg));
}

export function kill(pid: number, sig: number): void {
  check('kill', fn('int kill(int pid, int sig)')(pid, sig), String(pid));
}

export function getuid(): number {
  return fn('uint32_t getuid()')();
}
export function getgid(): number {
  return fn('uint32_t getgid()')();
}
