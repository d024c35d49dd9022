import type { CgroupSupport } from '../../src/cgroups/detect';
import {
  blkioWeightToIoWeight, checkLimitsApplicable, controllersFor, cpuMax, cpuSharesToWeight, feasibleWrites, limitsProblem, limitsSummary, planCgroupWrites,
} from '../../src/cgroups/plan';

const MiB = 1024 * 1024;
const HYBRID: CgroupSupport = { version: 'hybrid', mountPoint: '/sys/fs/cgroup/unified', ownPath: '/', delegated: [], canCreateChild: false };
const DELEGATED: CgroupSupport = { version: 'v2', mountPoint: '/sys/fs/cgroup', ownPath: '/user.slice/u', delegated: ['cpu', 'io', 'memory', 'pids'], canCreateChild: true };

describe('cgroup plan', () => {
  it('turns limits into interface file writes', () => {
    const writes = planCgroupWrites({ memory: 32 * MiB, memoryReservation: 16 * MiB, cpus: 0.5, cpuShares: 512, cpusetCpus: '0', pidsLimit: 20, blkioWeight: 500 });
    expect(writes.map((w) => [w.file, w.value, w.required])).toEqual([
      ['memory.max', String(32 * MiB), true],
      ['memory.swap.max', String(32 * MiB), false],
      ['memory.low', String(16 * MiB), true],
      ['cpu.max', '50000 100000', true],
      ['cpu.weight', '20', true],
      ['cpuset.cpus', '0', true],
      ['pids.max', '20', true],
      ['io.weight', `default ${blkioWeightToIoWeight(500)}`, true],
    ]);
  });

  it('gives memory-swap as swap beyond memory, -1 as max', () => {
    expect(planCgroupWrites({ memory: 32 * MiB, memorySwap: 96 * MiB }).find((w) => w.file === 'memory.swap.max')).toMatchObject({ value: String(64 * MiB), required: true });
    expect(planCgroupWrites({ memory: 32 * MiB, memorySwap: -1 }).find((w) => w.file === 'memory.swap.max')?.value).toBe('max');
  });

  it('adds podman\'s default pids limit only as a default, and only when asked to', () => {
    expect(planCgroupWrites({})).toEqual([expect.objectContaining({ file: 'pids.max', value: '2048', required: false })]);
    expect(planCgroupWrites({}, { defaults: false })).toEqual([]);
    expect(planCgroupWrites({ pidsLimit: -1 }).map((w) => w.value)).toEqual(['max']);
  });

  it('converts like crun/runc', () => {
    expect(cpuSharesToWeight(2)).toBe(1);
    expect(cpuSharesToWeight(1024)).toBe(39);
    expect(cpuSharesToWeight(262144)).toBe(10000);
    expect(blkioWeightToIoWeight(10)).toBe(1);
    expect(blkioWeightToIoWeight(1000)).toBe(10000);
    expect(cpuMax(2)).toBe('200000 100000');
    expect(cpuMax(0.001)).toBe('1000 100000');
  });

  it('drops defaults whose controller is not delegated, never a limit the user asked for', () => {
    const writes = planCgroupWrites({ cpus: 1 });
    expect(feasibleWrites(writes, []).map((w) => w.file)).toEqual(['cpu.max']);
    expect(feasibleWrites(writes, ['pids']).map((w) => w.file)).toEqual(['cpu.max', 'pids.max']);
    expect(controllersFor(writes)).toEqual(['cpu', 'pids']);
  });

  it('fails with the reason and the way out on a host without delegation', () => {
    expect(() => checkLimitsApplicable(planCgroupWrites({ memory: 32 * MiB }), HYBRID)).toThrow(/cannot apply --memory: this host uses the hybrid cgroup layout.*systemd\.unified_cgroup_hierarchy=1.*Delegate=/);
    expect(() => checkLimitsApplicable(planCgroupWrites({}), HYBRID)).not.toThrow();
    expect(() => checkLimitsApplicable(planCgroupWrites({ memory: 32 * MiB, pidsLimit: 5 }), DELEGATED)).not.toThrow();
    expect(() => checkLimitsApplicable(planCgroupWrites({ cpusetCpus: '0' }), DELEGATED)).toThrow(/cannot apply --cpuset-cpus: the cgroup controllers cpuset are not delegated/);
  });

  it('summarises support for info', () => {
    expect(limitsSummary(HYBRID)).toMatch(/^limits unavailable: this host uses the hybrid cgroup layout/);
    expect(limitsSummary(DELEGATED)).toBe('available (cpu, io, memory, pids)');
    expect(limitsProblem({ version: 'v1', delegated: [], canCreateChild: false }, [])).toMatch(/no cgroup v2 hierarchy/);
  });
});
