/**
 * A container's resource usage from its cgroup's files and its network namespace. Parsers are pure;
 * `readContainerUsage` does the reading.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Pure: "key value" lines (cpu.stat, memory.events, memory.stat) -> numbers. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) values.set(key, Number(value));
  }
  return values;
}

/** Pure: io.stat ("8:0 rbytes=1 wbytes=2 ...") -> total bytes read and written. */
export function parseIoStat(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const m of text.matchAll(/\b(rbytes|wbytes)=(\d+)/g)) {
    if (m[1] === 'rbytes') read += Number(m[2]);
    else write += Number(m[2]);
  }
  return { read, write };
}

/** Pure: /proc/PID/net/dev -> bytes received and sent on every interface but loopback. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === 'lo' || fields.length < 9) continue;
    rx += fields[0] ?? 0;
    tx += fields[8] ?? 0;
  }
  return { rx, tx };
}

/** Pure: a memory.max / pids.max value; "max" -> undefined (no limit). */
export function parseLimitValue(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

export interface ContainerUsage {
  /** Total CPU time used, microseconds (cpu.stat usage_usec). */
  readonly cpuUsec: number;
  readonly memoryBytes: number;
  /** memory.max, or the host's memory when unlimited. */
  readonly memoryLimitBytes: number;
  readonly pids: number;
  readonly pidsLimit?: number;
  readonly blockRead: number;
  readonly blockWrite: number;
  readonly netRx: number;
  readonly netTx: number;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Reads the usage of the cgroup at `dir`; `pid` (the container's PID 1) gives its network namespace. */
export function readContainerUsage(dir: string, pid: number | undefined): ContainerUsage {
  const cpu = parseFlatKeyed(readText(path.join(dir, 'cpu.stat')));
  const io = parseIoStat(readText(path.join(dir, 'io.stat')));
  const net = pid !== undefined ? parseNetDev(readText(`/proc/${pid}/net/dev`)) : { rx: 0, tx: 0 };
  const pidsLimit = parseLimitValue(readText(path.join(dir, 'pids.max')));
  return {
    cpuUsec: cpu.get('usage_usec') ?? 0,
    memoryBytes: parseLimitValue(readText(path.join(dir, 'memory.current'))) ?? 0,
    memoryLimitBytes: parseLimitValue(readText(path.join(dir, 'memory.max'))) ?? os.totalmem(),
    pids: parseLimitValue(readText(path.join(dir, 'pids.current'))) ?? 0,
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    blockRead: io.read,
    blockWrite: io.write,
    netRx: net.rx,
    netTx: net.tx,
  };
}
