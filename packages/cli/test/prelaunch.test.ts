import { scanNetworkKind, scanRunArgv } from '../src/prelaunch';

describe('scanRunArgv', () => {
  it('reads the store, the network, -d and -t of a plain run', () => {
    expect(scanRunArgv(['--root', '/r', '--runroot=/rr', 'run', '--rm', '-it', '--network', 'none', 'busybox', 'sh', '-c', 'true'])).toEqual({
      root: '/r',
      runroot: '/rr',
      kind: 'none',
      detach: false,
      tty: true,
    });
    expect(scanRunArgv(['run', '-d', '--name', 'web', '-p', '8080:80', '-e', 'A=1', '--env=B=2', 'busybox', 'httpd'])).toEqual({ kind: 'slirp4netns', detach: true, tty: false });
    expect(scanRunArgv(['run', '--detach', '--tty', '--net=pasta:-T,none', 'busybox'])).toEqual({ kind: 'pasta', detach: true, tty: true });
    expect(scanRunArgv(['run', '--network', 'host', '-v', '/a:/b:ro', 'busybox', '--rm', '-d'])).toEqual({ kind: 'host', detach: false, tty: false });
  });

  it('leaves a --network given twice to the run command (which refuses it)', () => {
    expect(scanRunArgv(['run', '--network', 'host', '--net', 'none', 'busybox'])).toBeUndefined();
  });

  it('stops at the image: the command keeps its own flags', () => {
    expect(scanRunArgv(['run', 'busybox', '-d', '--network', 'host'])).toEqual({ kind: 'slirp4netns', detach: false, tty: false });
  });

  it('leaves alone what it does not know or what changes the launch', () => {
    for (const argv of [
      ['ps', '-a'],
      ['run'],
      ['run', '--rm'],
      ['run', '--name'],
      ['--help', 'run', 'busybox'],
      ['run', '--help', 'busybox'],
      ['run', '-h', 'host1', 'busybox'],
      ['run', '--userns', 'keep-id', 'busybox'],
      ['run', '--uidmap', '0:1:1', 'busybox'],
      ['run', '--memory', '64m', 'busybox'],
      ['run', '--cgroups=disabled', 'busybox'],
      ['run', '--network', 'container:web', 'busybox'],
      ['run', '--rm=false', 'busybox'],
      ['run', '--no-init', 'busybox'],
      ['run', '-x', 'busybox'],
      ['run', '-eA=1', 'busybox'],
      ['run', '--', 'busybox'],
      ['--log-level', 'debug', '--bogus', 'run', 'busybox'],
      ['create', 'busybox'],
    ]) {
      expect([argv, scanRunArgv(argv)]).toEqual([argv, undefined]);
    }
  });
});

describe('scanNetworkKind', () => {
  it('knows the modes an early launch serves', () => {
    expect(scanNetworkKind(undefined)).toBe('slirp4netns');
    expect(scanNetworkKind('slirp4netns:allow_host_loopback=true')).toBe('slirp4netns');
    expect(scanNetworkKind('pasta')).toBe('pasta');
    expect(scanNetworkKind('none')).toBe('none');
    expect(scanNetworkKind('host')).toBe('host');
    expect(scanNetworkKind('container:x')).toBeUndefined();
    expect(scanNetworkKind('bridge')).toBeUndefined();
  });
});
