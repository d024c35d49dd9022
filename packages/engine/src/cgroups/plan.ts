/**
 * Pure planning: resource limits -> the cgroup v2 interface files to write, the controllers they
 * need, and the message for a host that cannot apply them.
 */
import { TsctrError } from '../errors';
import type { CgroupSupport } from './detect';
import type { ResourceLimits } from './limits';

export interface CgroupWrite {
  /** Interface file in the container's cgroup, e.g. memory.max. */
  readonly file: string;
  readonly value: string;
  readonly controller: string;
  /** Asked for by the user: failing to write it is an error. Defaults are written when possible. */
  readonly required: boolean;
  /** The flag the user gave, for messages. */
  readonly flag: string;
}

/** podman's default --pids-limit where the pids controller is delegated. */
export const DEFAULT_PIDS_LIMIT = 2048;
const CPU_PERIOD_US = 100_000;

/** crun's (and runc's) conversion of cgroup v1 cpu shares (2-262144) to cgroup v2 cpu.weight (1-10000). */
export function cpuSharesToWeight(shares: number): number {
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

/** runc's conversion of blkio weight (10-1000) to io.weight (1-10000). */
export function blkioWeightToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

/** Pure: "--cpus 0.5" -> "50000 100000" (quota and period in microseconds). */
export function cpuMax(cpus: number): string {
  return `${Math.max(1000, Math.round(cpus * CPU_PERIOD_US))} ${CPU_PERIOD_US}`;
}

/**
 * Pure: the writes for `limits`. Without a --memory-swap, a memory limit gets as much swap as
 * memory (docker's and podman's default), written only where swap accounting exists.
 * `defaults` adds podman's pids limit.
 */
export function planCgroupWrites(limits: ResourceLimits, opts: { defaults: boolean } = { defaults: true }): CgroupWrite[] {
  const writes: CgroupWrite[] = [];
  const add = (file: string, value: string | number, flag: string, required = true): void => {
    writes.push({ file, value: String(value), controller: file.split('.')[0], required, flag });
  };
  if (limits.memory !== undefined) {
    add('memory.max', limits.memory, '--memory');
    if (limits.memorySwap !== undefined) add('memory.swap.max', limits.memorySwap === -1 ? 'max' : limits.memorySwap - limits.memory, '--memory-swap');
    else add('memory.swap.max', limits.memory, '--memory', false);
  }
  if (limits.memoryReservation !== undefined) add('memory.low', limits.memoryReservation, '--memory-reservation');
  if (limits.cpus !== undefined) add('cpu.max', cpuMax(limits.cpus), '--cpus');
  if (limits.cpuShares !== undefined) add('cpu.weight', cpuSharesToWeight(limits.cpuShares), '--cpu-shares');
  if (limits.cpuWeight !== undefined) add('cpu.weight', limits.cpuWeight, '--cpu-weight');
  if (limits.cpusetCpus !== undefined) add('cpuset.cpus', limits.cpusetCpus, '--cpuset-cpus');
  if (limits.pidsLimit !== undefined) add('pids.max', limits.pidsLimit < 0 ? 'max' : limits.pidsLimit, '--pids-limit');
  else if (opts.defaults) add('pids.max', DEFAULT_PIDS_LIMIT, '--pids-limit (default)', false);
  if (limits.blkioWeight !== undefined) add('io.weight', `default ${blkioWeightToIoWeight(limits.blkioWeight)}`, '--blkio-weight');
  return writes;
}

/** Pure: the writes the host can carry out (defaults whose controller is missing are dropped). */
export function feasibleWrites(writes: readonly CgroupWrite[], delegated: readonly string[]): CgroupWrite[] {
  return writes.filter((w) => w.required || delegated.includes(w.controller));
}

/** Pure: controllers needed by the writes. */
export function controllersFor(writes: readonly CgroupWrite[]): string[] {
  return [...new Set(writes.map((w) => w.controller))].sort();
}

const HOW_TO_DELEGATE =
  'Resource limits need cgroup v2 (the unified hierarchy; on systemd hosts boot with systemd.unified_cgroup_hierarchy=1) '
  + 'with the controllers delegated to your user (systemd does this for user@.service: add Delegate=cpu cpuset io memory pids '
  + 'in /etc/systemd/system/user@.service.d/delegate.conf, then log in again), or run without the limit.';

/** Pure: why limits cannot be applied here, or undefined when every needed controller is delegated. */
export function limitsProblem(support: CgroupSupport, needed: readonly string[]): string | undefined {
  if (support.version === 'none' || support.version === 'v1' || support.mountPoint === undefined) return 'this host has no cgroup v2 hierarchy (cgroup v1 only)';
  if (!support.canCreateChild) {
    const where = support.ownPath ?? '?';
    return support.version === 'hybrid'
      ? `this host uses the hybrid cgroup layout (controllers bound to cgroup v1; the v2 hierarchy at ${support.mountPoint} has none) and your cgroup ${where} is not delegated to you`
      : `your cgroup ${where} is not delegated to you (you cannot create cgroups in it)`;
  }
  const missing = needed.filter((c) => !support.delegated.includes(c));
  if (missing.length > 0) return `the cgroup controllers ${missing.join(', ')} are not delegated to your cgroup ${support.ownPath ?? ''} (delegated: ${support.delegated.join(', ') || 'none'})`;
  return undefined;
}

/** Throws the exit-125 error when the user's limits cannot be applied on this host. */
export function checkLimitsApplicable(writes: readonly CgroupWrite[], support: CgroupSupport): void {
  const required = writes.filter((w) => w.required);
  if (required.length === 0) return;
  const problem = limitsProblem(support, controllersFor(required));
  if (problem === undefined) return;
  const flags = [...new Set(required.map((w) => w.flag))].join(', ');
  throw new TsctrError(`cannot apply ${flags}: ${problem}. ${HOW_TO_DELEGATE}`);
}

/** Pure: one line for `tsctr info`. */
export function limitsSummary(support: CgroupSupport): string {
  const problem = limitsProblem(support, []);
  if (problem !== undefined) return `limits unavailable: ${problem}`;
  return support.delegated.length > 0 ? `available (${support.delegated.join(', ')})` : 'limits unavailable: no controllers are delegated to your cgroup';
}
