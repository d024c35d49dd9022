/**
 * Resource limits as the user asks for them (podman's flags), validated and normalised into the
 * record stored with the container. Pure.
 */
import { TsctrError } from '../errors';

/** The limits stored in the container record (config.json `resources`); absent = not asked for. */
export interface ResourceLimits {
  /** --memory, bytes. */
  readonly memory?: number;
  /** --memory-swap: memory + swap in bytes; -1 = unlimited swap. */
  readonly memorySwap?: number;
  /** --memory-reservation, bytes (memory.low). */
  readonly memoryReservation?: number;
  /** --cpus, fractional CPUs. */
  readonly cpus?: number;
  /** --cpu-shares (cgroup v1 units, converted to cpu.weight). */
  readonly cpuShares?: number;
  /** --cpu-weight (cgroup v2 units, 1-10000). */
  readonly cpuWeight?: number;
  /** --cpuset-cpus, e.g. "0-1,3". */
  readonly cpusetCpus?: string;
  /** --pids-limit; -1 = unlimited (podman: 0 or -1). */
  readonly pidsLimit?: number;
  /** --blkio-weight (10-1000). */
  readonly blkioWeight?: number;
}

/** config.json `cgroups`: --cgroups and --cgroup-parent. */
export interface ContainerCgroupSettings {
  readonly mode: 'enabled' | 'disabled';
  /** --cgroup-parent: a path in the cgroup v2 hierarchy (default: the user's own cgroup). */
  readonly parent?: string;
}

/** The flags as strings, the way the CLI receives them. */
export interface LimitFlags {
  readonly memory?: string;
  readonly memorySwap?: string;
  readonly memoryReservation?: string;
  readonly cpus?: string;
  readonly cpuShares?: string;
  readonly cpuWeight?: string;
  readonly cpusetCpus?: string;
  readonly pidsLimit?: string;
  readonly blkioWeight?: string;
}

/** podman refuses memory limits below 6 MB: the container's init alone needs some. */
export const MIN_MEMORY = 6 * 1024 * 1024;

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** docker's RAMInBytes: "512", "32m", "1.5g", "64MB", "100k"; binary units. */
export function parseByteSize(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)b?\s*$/i.exec(value);
  if (!m) throw new TsctrError(`invalid ${flag} "${value}": give a size such as 512m or 1g (units b, k, m, g)`);
  const bytes = Math.floor(Number(m[1]) * (UNITS[m[2].toLowerCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) throw new TsctrError(`invalid ${flag} "${value}": too large`);
  return bytes;
}

function parseInteger(value: string, flag: string, min: number, max: number, hint: string): number {
  if (!/^\s*-?\d+\s*$/.test(value) || Number(value) < min || Number(value) > max) throw new TsctrError(`invalid ${flag} "${value}": ${hint}`);
  return Number(value);
}

/** "0-3,5" style lists of CPU numbers. */
export function validateCpuList(value: string, flag: string): string {
  const ok = /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(value.trim())
    && value.trim().split(',').every((part) => {
      const [a, b] = part.split('-').map(Number);
      return b === undefined || a <= b;
    });
  if (!ok) throw new TsctrError(`invalid ${flag} "${value}": give CPU numbers and ranges such as 0-1,3`);
  return value.trim();
}

/** Pure: every flag checked and converted; throws TsctrError naming the flag and the fix. */
export function parseLimitFlags(flags: LimitFlags): ResourceLimits {
  const limits: { -readonly [K in keyof ResourceLimits]: ResourceLimits[K] } = {};
  if (flags.memory !== undefined) {
    limits.memory = parseByteSize(flags.memory, '--memory');
    if (limits.memory < MIN_MEMORY) throw new TsctrError(`invalid --memory "${flags.memory}": the minimum memory limit is 6m`);
  }
  if (flags.memorySwap !== undefined) {
    if (flags.memorySwap.trim() === '-1') limits.memorySwap = -1;
    else {
      limits.memorySwap = parseByteSize(flags.memorySwap, '--memory-swap');
      if (limits.memory === undefined) throw new TsctrError('--memory-swap needs --memory: it is the total of memory and swap');
      if (limits.memorySwap < limits.memory) throw new TsctrError(`invalid --memory-swap "${flags.memorySwap}": it is memory plus swap, so it must be at least --memory (or -1 for unlimited swap)`);
    }
  }
  if (flags.memoryReservation !== undefined) {
    limits.memoryReservation = parseByteSize(flags.memoryReservation, '--memory-reservation');
    if (limits.memory !== undefined && limits.memoryReservation > limits.memory) throw new TsctrError('--memory-reservation must be smaller than --memory');
  }
  if (flags.cpus !== undefined) {
    const cpus = Number(flags.cpus);
    if (!/^\s*\d*\.?\d+\s*$/.test(flags.cpus) || !(cpus > 0)) throw new TsctrError(`invalid --cpus "${flags.cpus}": give a positive number of CPUs such as 0.5 or 2`);
    limits.cpus = cpus;
  }
  if (flags.cpuShares !== undefined && flags.cpuWeight !== undefined) throw new TsctrError('--cpu-shares and --cpu-weight set the same thing: give one of them');
  if (flags.cpuShares !== undefined) limits.cpuShares = parseInteger(flags.cpuShares, '--cpu-shares', 2, 262144, 'give a whole number from 2 to 262144 (1024 is the default weight)');
  if (flags.cpuWeight !== undefined) limits.cpuWeight = parseInteger(flags.cpuWeight, '--cpu-weight', 1, 10000, 'give a whole number from 1 to 10000 (100 is the default weight)');
  if (flags.cpusetCpus !== undefined) limits.cpusetCpus = validateCpuList(flags.cpusetCpus, '--cpuset-cpus');
  if (flags.pidsLimit !== undefined) {
    const n = parseInteger(flags.pidsLimit, '--pids-limit', -1, 2 ** 31 - 1, 'give a whole number of processes, or 0 / -1 for no limit');
    limits.pidsLimit = n <= 0 ? -1 : n;
  }
  if (flags.blkioWeight !== undefined) limits.blkioWeight = parseInteger(flags.blkioWeight, '--blkio-weight', 10, 1000, 'give a whole number from 10 to 1000');
  return limits;
}

/** Pure: the limits of `update` laid over those a container has. */
export function mergeLimits(current: ResourceLimits, changes: ResourceLimits): ResourceLimits {
  const merged = { ...current, ...changes };
  if (changes.cpuShares !== undefined) delete (merged as { cpuWeight?: number }).cpuWeight;
  if (changes.cpuWeight !== undefined) delete (merged as { cpuShares?: number }).cpuShares;
  return merged;
}

export function hasLimits(limits: ResourceLimits | undefined): boolean {
  return limits !== undefined && Object.values(limits).some((v) => v !== undefined);
}
