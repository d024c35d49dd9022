/**
 * `top`, pure: podman's ps-like descriptors over facts read from the host's /proc for the
 * container's processes (top-proc.ts reads them).
 */
import { TsctrError } from '../../errors';

/** What /proc says about one process of the container. */
export interface ProcessFacts {
  readonly hostPid: number;
  /** Pid and parent pid inside the container's PID namespace (parent 0: outside it). */
  readonly pid: number;
  readonly ppid: number;
  readonly hostUid: number;
  readonly hostGid: number;
  /** Ids inside the container (undefined: not mapped). */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly comm: string;
  readonly args: readonly string[];
  readonly state: string;
  readonly ttyNr: number;
  readonly pgid: number;
  readonly nice: number;
  /** CPU time used, seconds. */
  readonly cpuSeconds: number;
  /** Seconds since the process started. */
  readonly elapsedSeconds: number;
  readonly vszKiB: number;
  readonly rssKiB: number;
}

export interface Names {
  user(uid: number | undefined): string;
  group(gid: number | undefined): string;
}

interface Descriptor {
  readonly header: string;
  readonly value: (p: ProcessFacts, names: Names) => string;
}

const DESCRIPTORS: Readonly<Record<string, Descriptor>> = {
  user: { header: 'USER', value: (p, n) => n.user(p.uid) },
  group: { header: 'GROUP', value: (p, n) => n.group(p.gid) },
  pid: { header: 'PID', value: (p) => String(p.pid) },
  ppid: { header: 'PPID', value: (p) => String(p.ppid) },
  pcpu: { header: '%CPU', value: (p) => (p.elapsedSeconds > 0 ? (100 * p.cpuSeconds) / p.elapsedSeconds : 0).toFixed(3) },
  etime: { header: 'ELAPSED', value: (p) => goDuration(p.elapsedSeconds) },
  tty: { header: 'TTY', value: (p) => ttyName(p.ttyNr) },
  time: { header: 'TIME', value: (p) => goDuration(Math.round(p.cpuSeconds)) },
  args: { header: 'COMMAND', value: (p) => (p.args.length > 0 ? p.args.join(' ') : `[${p.comm}]`) },
  comm: { header: 'COMMAND', value: (p) => p.comm },
  state: { header: 'STATE', value: (p) => p.state },
  nice: { header: 'NI', value: (p) => String(p.nice) },
  pgid: { header: 'PGID', value: (p) => String(p.pgid) },
  vsz: { header: 'VSZ', value: (p) => String(p.vszKiB) },
  rss: { header: 'RSS', value: (p) => String(p.rssKiB) },
  hpid: { header: 'HPID', value: (p) => String(p.hostPid) },
  huser: { header: 'HUSER', value: (p) => String(p.hostUid) },
  hgroup: { header: 'HGROUP', value: (p) => String(p.hostGid) },
};

export const DEFAULT_DESCRIPTORS = ['user', 'pid', 'ppid', 'pcpu', 'etime', 'tty', 'time', 'args'] as const;

/** `pid comm` or `pid,comm` -> known descriptor names; an unknown one is an error listing the known. */
export function parseDescriptors(words: readonly string[]): string[] {
  const names = words.flatMap((w) => w.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  if (names.length === 0) return [...DEFAULT_DESCRIPTORS];
  for (const name of names) {
    if (!(name in DESCRIPTORS)) throw new TsctrError(`unknown top descriptor "${name}": use any of ${Object.keys(DESCRIPTORS).join(', ')}`);
  }
  return names;
}

/** Header row, then one row per process ordered by pid. */
export function topRows(processes: readonly ProcessFacts[], descriptors: readonly string[], names: Names): string[][] {
  const columns = descriptors.map((d) => DESCRIPTORS[d] as Descriptor);
  const sorted = [...processes].sort((a, b) => a.pid - b.pid);
  return [columns.map((c) => c.header), ...sorted.map((p) => columns.map((c) => c.value(p, names)))];
}

/** Go's time.Duration String(): 0s, 1.5s, 2m3.25s, 1h0m5s (up to millisecond precision here). */
export function goDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** tty_nr of /proc/PID/stat -> pts/N, ttyN, or "?". */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return '?';
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4 && minor < 64) return `tty${minor}`;
  return '?';
}
