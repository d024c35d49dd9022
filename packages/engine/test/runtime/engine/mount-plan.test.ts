import { BIND_DEVICES, gidMapped, planContainerMounts, planDevMounts, type MountStep } from '../../../src/runtime/engine/mount-plan';
import { MS_BIND, MS_NOEXEC, MS_NOSUID } from '../../../src/sys/libc';

const defaultGidMap = [{ containerId: 0, hostId: 1001, size: 1 }, { containerId: 1, hostId: 100000, size: 65536 }];
const files = { hosts: '/u/hosts', hostname: '/u/hostname', resolvConf: '/u/resolv.conf' };

function find(steps: MountStep[], target: string): MountStep | undefined {
  return steps.find((s) => s.target === target);
}

describe('planDevMounts', () => {
  it('mounts a tmpfs /dev first, then exactly the podman device set', () => {
    const steps = planDevMounts(defaultGidMap);
    expect(steps[0]).toMatchObject({ kind: 'mount', target: '/dev', fstype: 'tmpfs', data: 'mode=755,size=65536k' });
    expect((steps[0] as { flags: number }).flags & MS_NOSUID).toBe(MS_NOSUID);
    const names = steps.slice(1).map((s) => s.target.replace('/dev/', '')).sort();
    expect(names).toEqual([...BIND_DEVICES, 'pts', 'ptmx', 'shm', 'mqueue', 'fd', 'stdin', 'stdout', 'stderr'].sort());
  });
  it('bind-mounts host devices onto files', () => {
    const nul = find(planDevMounts(defaultGidMap), '/dev/null');
    expect(nul).toMatchObject({ kind: 'mount', source: '/dev/null', mountPoint: 'file', flags: MS_BIND });
  });
  it('gives devpts its own instance with gid 5 when 5 is mapped', () => {
    const pts = find(planDevMounts(defaultGidMap), '/dev/pts');
    expect(pts).toMatchObject({ fstype: 'devpts', data: 'newinstance,ptmxmode=0666,mode=0620,gid=5' });
    expect((pts as { flags: number }).flags & MS_NOEXEC).toBe(MS_NOEXEC);
  });
  it('leaves gid= out when gid 5 is not mapped', () => {
    const pts = find(planDevMounts([{ containerId: 0, hostId: 1001, size: 1 }]), '/dev/pts');
    expect(pts).toMatchObject({ data: 'newinstance,ptmxmode=0666,mode=0620' });
  });
  it('links ptmx and the fd shortcuts', () => {
    const steps = planDevMounts(defaultGidMap);
    expect(find(steps, '/dev/ptmx')).toEqual({ kind: 'symlink', target: '/dev/ptmx', linkTo: 'pts/ptmx' });
    expect(find(steps, '/dev/stderr')).toEqual({ kind: 'symlink', target: '/dev/stderr', linkTo: '/proc/self/fd/2' });
  });
});

describe('gidMapped', () => {
  it('checks ranges', () => {
    expect(gidMapped(defaultGidMap, 5)).toBe(true);
    expect(gidMapped(defaultGidMap, 65537)).toBe(false);
    expect(gidMapped(defaultGidMap, 65536)).toBe(true);
  });
});

describe('planContainerMounts', () => {
  const steps = planContainerMounts(defaultGidMap, files);
  it('prepares /proc for init, then /dev, /sys and the /etc files', () => {
    expect(steps[0]).toEqual({ kind: 'mkdir', target: '/proc' });
    expect(steps.findIndex((s) => s.target === '/dev')).toBeLessThan(steps.findIndex((s) => s.target === '/dev/pts'));
    expect(find(steps, '/sys')).toEqual({ kind: 'sysfs', target: '/sys' });
  });
  it('bind-mounts the generated files, replacing image symlinks', () => {
    expect(find(steps, '/etc/resolv.conf')).toMatchObject({ kind: 'mount', source: '/u/resolv.conf', flags: MS_BIND, replace: true, mountPoint: 'file' });
    expect(find(steps, '/etc/hosts')).toMatchObject({ source: '/u/hosts' });
    expect(find(steps, '/etc/hostname')).toMatchObject({ source: '/u/hostname' });
  });
});
