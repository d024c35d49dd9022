/** Pure: the resource-limit fields of `inspect`'s HostConfig (docker's names; 0 = not set). */
import type { ContainerConfig } from '@tsctr/engine/runtime/container-types';

export function limitsHostConfig(config: Pick<ContainerConfig, 'resources' | 'cgroups'>): Record<string, unknown> {
  const r = config.resources ?? {};
  return {
    Memory: r.memory ?? 0,
    MemorySwap: r.memorySwap ?? 0,
    MemoryReservation: r.memoryReservation ?? 0,
    NanoCpus: r.cpus !== undefined ? Math.round(r.cpus * 1e9) : 0,
    CpuShares: r.cpuShares ?? 0,
    CpuWeight: r.cpuWeight ?? 0,
    CpusetCpus: r.cpusetCpus ?? '',
    PidsLimit: r.pidsLimit ?? 0,
    BlkioWeight: r.blkioWeight ?? 0,
    Cgroups: config.cgroups?.mode ?? 'enabled',
    CgroupParent: config.cgroups?.parent ?? '',
  };
}
