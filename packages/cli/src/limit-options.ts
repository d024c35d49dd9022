/**
 * The resource-limit flags shared by `run`, `create` (with --cgroups and --cgroup-parent) and
 * `update`: podman's names, parsed into the engine's ResourceLimits.
 */
import type { Argv } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { parseLimitFlags, type ContainerCgroupSettings, type LimitFlags, type ResourceLimits } from '@tsctr/engine/cgroups/limits';

export interface LimitArgs {
  memory?: string;
  'memory-swap'?: string;
  'memory-reservation'?: string;
  cpus?: string;
  'cpu-shares'?: string;
  'cpu-weight'?: string;
  'cpuset-cpus'?: string;
  'pids-limit'?: string;
  'blkio-weight'?: string;
}

export interface CgroupArgs extends LimitArgs {
  cgroups?: string;
  'cgroup-parent'?: string;
}

const value = (describe: string) => ({ type: 'string' as const, requiresArg: true, describe });

export function addLimitOptions<T>(y: Argv<T>): Argv<T & LimitArgs> {
  return y
    .option('memory', { alias: 'm', ...value('Memory limit (e.g. 512m, 1g; cgroup memory.max)') })
    .option('memory-swap', value('Memory plus swap limit (-1: unlimited swap; default: twice --memory)'))
    .option('memory-reservation', value('Memory soft limit (memory.low)'))
    .option('cpus', value('Number of CPUs (e.g. 0.5; cgroup cpu.max)'))
    .option('cpu-shares', { alias: 'c', ...value('CPU shares (relative weight, 1024 = default; converted to cpu.weight)') })
    .option('cpu-weight', value('CPU weight (1-10000, 100 = default)'))
    .option('cpuset-cpus', value('CPUs the container may use (e.g. 0-1,3)'))
    .option('pids-limit', value('Maximum number of processes (0 or -1: unlimited; default 2048 where the pids controller is delegated)'))
    .option('blkio-weight', value('Block I/O weight (10-1000)')) as unknown as Argv<T & LimitArgs>;
}

export function addCgroupOptions<T>(y: Argv<T>): Argv<T & CgroupArgs> {
  return addLimitOptions(y)
    .option('cgroups', value('enabled (default) or disabled (no cgroup of its own: no limits, no stats)'))
    .option('cgroup-parent', value('Cgroup (a path in the cgroup v2 hierarchy) to create the container\'s cgroup under')) as unknown as Argv<T & CgroupArgs>;
}

/** Pure: the limit flags as given -> validated limits. */
export function limitsFromArgs(argv: LimitArgs): ResourceLimits {
  const flags: LimitFlags = {
    memory: argv.memory,
    memorySwap: argv['memory-swap'],
    memoryReservation: argv['memory-reservation'],
    cpus: argv.cpus,
    cpuShares: argv['cpu-shares'],
    cpuWeight: argv['cpu-weight'],
    cpusetCpus: argv['cpuset-cpus'],
    pidsLimit: argv['pids-limit'],
    blkioWeight: argv['blkio-weight'],
  };
  return parseLimitFlags(Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])));
}

/** Pure: --cgroups and --cgroup-parent. */
export function cgroupSettingsFromArgs(argv: CgroupArgs): ContainerCgroupSettings {
  const mode = argv.cgroups ?? 'enabled';
  if (mode !== 'enabled' && mode !== 'disabled') throw new TsctrError(`invalid --cgroups "${mode}": use enabled or disabled`);
  const parent = argv['cgroup-parent'];
  if (parent !== undefined && (!parent.startsWith('/') || parent.split('/').some((part) => part === '..' || part === '.'))) {
    throw new TsctrError(`invalid --cgroup-parent "${parent}": give an absolute path in the cgroup v2 hierarchy such as /user.slice/user-1000.slice/user@1000.service/tsctr`);
  }
  if (mode === 'disabled' && parent !== undefined) throw new TsctrError('--cgroup-parent needs a cgroup: remove --cgroups=disabled');
  return { mode, ...(parent !== undefined ? { parent: parent.replace(/\/+$/, '') || '/' } : {}) };
}
