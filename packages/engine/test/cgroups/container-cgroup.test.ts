import { TsctrError } from '../../src/errors';
import { checkContainerLimits, defaultCgroupParent, engineCgroupArgs, makesOwnCgroup, withCgroupFd, ENGINE_CGROUP_FD } from '../../src/cgroups/container-cgroup';
import type { CgroupSupport } from '../../src/cgroups/detect';

const HYBRID: CgroupSupport = { version: 'hybrid', mountPoint: '/sys/fs/cgroup/unified', ownPath: '/', delegated: [], canCreateChild: false };

describe('container cgroup glue', () => {
  it('puts containers in the own cgroup, or above tsctr\'s leaf', () => {
    expect(defaultCgroupParent('/user.slice/u@1.service')).toBe('/user.slice/u@1.service');
    expect(defaultCgroupParent('/user.slice/u@1.service/tsctr-leaf')).toBe('/user.slice/u@1.service');
  });

  it('checks limits at create without probing when none are asked for', () => {
    const probe = jest.fn(() => HYBRID);
    expect(() => checkContainerLimits({}, undefined, probe)).not.toThrow();
    expect(probe).not.toHaveBeenCalled();
    expect(() => checkContainerLimits({ memory: 64 << 20 }, undefined, probe)).toThrow(TsctrError);
    expect(() => checkContainerLimits({ pidsLimit: 5 }, { mode: 'disabled' }, probe)).toThrow(/--cgroups=disabled/);
  });

  it('passes cgroup.procs to the engine at a fixed fd, padding the stdio', () => {
    const cgroup = { dir: '/sys/fs/cgroup/x/tsctr-a', procsFd: 42 };
    expect(withCgroupFd(['ignore', 1, 2, undefined, 'pipe'], cgroup)).toEqual(['ignore', 1, 2, undefined, 'pipe', 'ignore', 'ignore', 42]);
    expect(withCgroupFd(['ignore', 1, 2, undefined, 'pipe', 8, 9], cgroup)[ENGINE_CGROUP_FD]).toBe(42);
    expect(withCgroupFd(['ignore'], undefined)).toEqual(['ignore']);
    expect(engineCgroupArgs(cgroup)).toEqual(['--cgroup-fd', '7', '--cgroup-dir', '/sys/fs/cgroup/x/tsctr-a']);
  });
});

describe('makesOwnCgroup', () => {
  const DELEGATED: CgroupSupport = { version: 'v2', mountPoint: '/sys/fs/cgroup', ownPath: '/user.slice/u', delegated: ['memory'], canCreateChild: true };
  const UNDELEGATED: CgroupSupport = { version: 'v2', mountPoint: '/sys/fs/cgroup', ownPath: '/user.slice/u', delegated: [], canCreateChild: false };

  it('gives a container a cgroup by default only where the user may create one', () => {
    expect(makesOwnCgroup({}, DELEGATED)).toBe(true);
    expect(makesOwnCgroup({}, UNDELEGATED)).toBe(false);
    expect(makesOwnCgroup({}, HYBRID)).toBe(false);
  });

  it('tries when limits or a parent are asked for, never with --cgroups=disabled or without cgroup v2', () => {
    expect(makesOwnCgroup({ resources: { memory: 1 << 20 } }, UNDELEGATED)).toBe(true);
    expect(makesOwnCgroup({ cgroups: { mode: 'enabled', parent: '/p' } }, UNDELEGATED)).toBe(true);
    expect(makesOwnCgroup({ cgroups: { mode: 'disabled' } }, DELEGATED)).toBe(false);
    expect(makesOwnCgroup({ resources: { memory: 1 << 20 } }, { version: 'v1', delegated: [], canCreateChild: false })).toBe(false);
  });
});
