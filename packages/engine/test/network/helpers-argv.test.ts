import { DEFAULT_SLIRP, parseSlirpOptions } from '../../src/network/network-mode';
import { pastaArgv } from '../../src/network/pasta';
import { parsePublishSpec } from '../../src/network/port-spec';
import { hostForwardRequest, slirpArgv } from '../../src/network/slirp4netns';

describe('slirp4netns command line and API', () => {
  it('is configured as podman configures it', () => {
    expect(slirpArgv(1234, DEFAULT_SLIRP, { exitFd: 3, readyFd: 4 })).toEqual([
      'slirp4netns', '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
      '--api-socket', 'slirp4netns.sock', '--exit-fd', '3', '--ready-fd', '4', '1234', 'tap0',
    ]);
  });
  it('follows the options', () => {
    const argv = slirpArgv(1, parseSlirpOptions(['allow_host_loopback=true', 'enable_ipv6', 'cidr=10.0.3.0/24']), { exitFd: 3, readyFd: 4 });
    expect(argv).not.toContain('--disable-host-loopback');
    expect(argv).toEqual(expect.arrayContaining(['--enable-ipv6', '--cidr=10.0.3.0/24']));
  });
  it('add_hostfwd targets the container address', () => {
    expect(hostForwardRequest(parsePublishSpec('127.0.0.1:8080:80/udp')[0]!, parseSlirpOptions(['cidr=10.0.3.0/24']))).toEqual({
      execute: 'add_hostfwd', arguments: { proto: 'udp', host_addr: '127.0.0.1', host_port: 8080, guest_addr: '10.0.3.100', guest_port: 80 },
    });
  });
});

describe('pasta command line', () => {
  it('forwards only the published ports, reports its pid when ready', () => {
    const ports = [...parsePublishSpec('8080:80'), ...parsePublishSpec('127.0.0.1:5353:53/udp')];
    expect(pastaArgv(77, ports, '/proc/self/fd/4', ['--ipv4-only'])).toEqual([
      'pasta', '--config-net', '--foreground', '--quiet', '--pid', '/proc/self/fd/4',
      '-t', '8080:80', '-u', '127.0.0.1/5353:53', '-T', 'none', '-U', 'none', '--ipv4-only', '77',
    ]);
    expect(pastaArgv(77, [], '/p', [])).toEqual(expect.arrayContaining(['-t', 'none', '-u', 'none']));
  });
});
