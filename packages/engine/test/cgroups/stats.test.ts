import { parseFlatKeyed, parseIoStat, parseLimitValue, parseNetDev } from '../../src/cgroups/stats';
import { cgroupAncestry, containerCgroupPath } from '../../src/cgroups/apply';

describe('cgroup file parsers', () => {
  it('reads flat keyed files', () => {
    const events = parseFlatKeyed('low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n');
    expect(events.get('oom_kill')).toBe(1);
    expect(parseFlatKeyed('usage_usec 1500\nnr_throttled 3\n').get('usage_usec')).toBe(1500);
  });

  it('sums io.stat bytes over devices', () => {
    expect(parseIoStat('254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n8:0 rbytes=1 wbytes=2\n')).toEqual({ read: 4097, write: 8194 });
    expect(parseIoStat('')).toEqual({ read: 0, write: 0 });
  });

  it('sums network bytes without loopback', () => {
    const netDev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
      '  tap0:    2048       5    0    0    0     0          0         0      512       3    0    0    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(netDev)).toEqual({ rx: 2048, tx: 512 });
  });

  it('reads limits with "max" as none', () => {
    expect(parseLimitValue('33554432\n')).toBe(33554432);
    expect(parseLimitValue('max\n')).toBeUndefined();
  });

  it('places container cgroups below the parent and walks ancestry from the root', () => {
    expect(containerCgroupPath('/user.slice/u', 'ab')).toBe('/user.slice/u/tsctr-ab');
    expect(cgroupAncestry('/a/b')).toEqual(['/', '/a', '/a/b']);
    expect(cgroupAncestry('/')).toEqual(['/']);
  });
});
