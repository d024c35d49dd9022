/** Pure: the rows `tsctr stats` prints (podman's columns) and its JSON entries. */
import type { ContainerUsage } from '@tsctr/engine/cgroups/stats';
import { shortId } from '@tsctr/engine/runtime/containers/ids';
import { renderColumns } from './columns';
import { formatSize } from './human-size';

export const STATS_HEADER = ['ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET IO', 'BLOCK IO', 'PIDS'];

export interface StatsSample {
  readonly id: string;
  readonly name: string;
  readonly usage: ContainerUsage;
  /** CPU use over the sampled interval, in percent of one CPU. */
  readonly cpuPercent: number;
}

/**
 * Pure: CPU percent of one CPU over an interval: `cpuUsec` used between two readings `elapsedMs`
 * apart (for the first reading: since the container started).
 */
export function cpuPercent(cpuUsecDelta: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (cpuUsecDelta / 1000 / elapsedMs) * 100 : 0;
}

const percent = (value: number): string => `${value.toFixed(2)}%`;

export function statsRow(s: StatsSample): string[] {
  const u = s.usage;
  return [
    shortId(s.id),
    s.name,
    percent(s.cpuPercent),
    `${formatSize(u.memoryBytes)} / ${formatSize(u.memoryLimitBytes)}`,
    percent(u.memoryLimitBytes > 0 ? (u.memoryBytes / u.memoryLimitBytes) * 100 : 0),
    `${formatSize(u.netRx)} / ${formatSize(u.netTx)}`,
    `${formatSize(u.blockRead)} / ${formatSize(u.blockWrite)}`,
    String(u.pids),
  ];
}

export function renderStatsTable(samples: readonly StatsSample[]): string {
  return renderColumns([STATS_HEADER, ...samples.map(statsRow)]);
}

/** One entry of `stats --format json`: podman's text fields plus the raw numbers. */
export function statsJson(s: StatsSample): Record<string, unknown> {
  const [, , cpu, mem, memPercent, net, block, pids] = statsRow(s);
  const u = s.usage;
  return {
    id: s.id,
    name: s.name,
    cpu_percent: cpu,
    mem_usage: mem,
    mem_percent: memPercent,
    net_io: net,
    block_io: block,
    pids,
    cpu_time_usec: u.cpuUsec,
    mem_usage_bytes: u.memoryBytes,
    mem_limit_bytes: u.memoryLimitBytes,
    pids_current: u.pids,
    ...(u.pidsLimit !== undefined ? { pids_limit: u.pidsLimit } : {}),
    net_rx_bytes: u.netRx,
    net_tx_bytes: u.netTx,
    block_read_bytes: u.blockRead,
    block_write_bytes: u.blockWrite,
  };
}
