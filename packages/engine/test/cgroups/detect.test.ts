import { cgroupVersionOf, parseCgroupMounts, parseControllerList, parseOwnCgroupPath } from '../../src/cgroups/detect';

const HYBRID = [
  '25 30 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
  '26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate',
  '28 25 0:25 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory',
].join('\n');
const UNIFIED = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';

describe('cgroup detection parsers', () => {
  it('finds the v2 line of /proc/self/cgroup', () => {
    expect(parseOwnCgroupPath('12:memory:/x\n0::/user.slice/user-1000.slice/user@1000.service/app.slice\n')).toBe('/user.slice/user-1000.slice/user@1000.service/app.slice');
    expect(parseOwnCgroupPath('0::/\n')).toBe('/');
    expect(parseOwnCgroupPath('4:memory:/process_api/x\n')).toBeUndefined();
  });

  it('tells hybrid, unified, v1-only and none apart from mountinfo', () => {
    expect(parseCgroupMounts(HYBRID)).toEqual({ v2: '/sys/fs/cgroup/unified', v1: true });
    expect(cgroupVersionOf(parseCgroupMounts(HYBRID))).toBe('hybrid');
    expect(cgroupVersionOf(parseCgroupMounts(UNIFIED))).toBe('v2');
    expect(cgroupVersionOf(parseCgroupMounts(HYBRID.split('\n')[2]))).toBe('v1');
    expect(cgroupVersionOf(parseCgroupMounts(''))).toBe('none');
  });

  it('unescapes mount points with spaces', () => {
    expect(parseCgroupMounts('30 23 0:26 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw').v2).toBe('/mnt/my cg');
  });

  it('splits controller lists', () => {
    expect(parseControllerList('cpuset cpu io memory pids\n')).toEqual(['cpuset', 'cpu', 'io', 'memory', 'pids']);
    expect(parseControllerList('\n')).toEqual([]);
  });
});
