/**
 * The container's processes, read from the host's /proc: every descendant of the engine that
 * lives in a PID namespace below the engine's (exec'd processes hang below the shim's exec parent
 * until they are orphaned to the container's init, so walking from PID 1 alone would miss them).
 */
import * as fs from 'node:fs';
import type { IdMapEntry } from '../idmap';
import type { ProcessFacts } from './top-plan';

const CLOCK_TICKS = 100;
const PAGE_KIB = 4;

/** Pure: fields of /proc/PID/stat after the command name (index 0 is field 3, the state). */
export function statFields(stat: string): { comm: string; rest: string[] } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  return { comm: stat.slice(open + 1, close), rest: stat.slice(close + 2).trim().split(' ') };
}

/** Pure: a container id for a host id through a uid_map/gid_map. */
export function toContainerId(map: readonly IdMapEntry[], hostId: number): number | undefined {
  const e = map.find((m) => hostId >= m.hostId && hostId < m.hostId + m.size);
  return e ? e.containerId + (hostId - e.hostId) : undefined;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function statusField(status: string, name: string): string[] {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status);
  return m ? (m[1] as string).trim().split(/\s+/) : [];
}

/** Host pids of `root` and everything below it (parents from /proc/PID/stat). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    const ppid = Number(statFields(stat).rest[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface Mappings {
  readonly uidMap: readonly IdMapEntry[];
  readonly gidMap: readonly IdMapEntry[];
}

/** Facts about every process of the container whose engine has host pid `enginePid`. */
export function containerProcesses(enginePid: number, maps: Mappings, now = Date.now()): ProcessFacts[] {
  const btime = Number(/^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1] ?? 0);
  const engineDepth = statusField(read(`/proc/${enginePid}/status`) ?? '', 'NSpid').length;
  const hostToContainer = new Map<number, number>();
  const raw: { hostPid: number; status: string; stat: string; cmdline: string; hostPpid: number; nspid: number }[] = [];
  for (const hostPid of descendantsOf(enginePid)) {
    const status = read(`/proc/${hostPid}/status`);
    const stat = read(`/proc/${hostPid}/stat`);
    if (!status || !stat) continue; // ended meanwhile
    const nspid = statusField(status, 'NSpid');
    if (engineDepth === 0 || nspid.length <= engineDepth) continue; // the engine's helpers, the shim
    const inside = Number(nspid[engineDepth]);
    hostToContainer.set(hostPid, inside);
    raw.push({ hostPid, status, stat, cmdline: read(`/proc/${hostPid}/cmdline`) ?? '', hostPpid: Number(statFields(stat).rest[1]), nspid: inside });
  }
  return raw.map(({ hostPid, status, stat, cmdline, hostPpid, nspid }) => {
    const { comm, rest } = statFields(stat);
    const num = (field: number): number => Number(rest[field - 3] ?? 0);
    const hostUid = Number(statusField(status, 'Uid')[1] ?? -1);
    const hostGid = Number(statusField(status, 'Gid')[1] ?? -1);
    const started = btime + num(22) / CLOCK_TICKS;
    return {
      hostPid,
      pid: nspid,
      ppid: hostToContainer.get(hostPpid) ?? 0,
      hostUid,
      hostGid,
      uid: toContainerId(maps.uidMap, hostUid),
      gid: toContainerId(maps.gidMap, hostGid),
      comm,
      args: cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1),
      state: rest[0] ?? '?',
      ttyNr: num(7),
      pgid: hostToContainer.get(num(5)) ?? 0,
      nice: num(19),
      cpuSeconds: (num(14) + num(15)) / CLOCK_TICKS,
      elapsedSeconds: Math.max(0, now / 1000 - started),
      vszKiB: Math.round(num(23) / 1024),
      rssKiB: num(24) * PAGE_KIB,
    };
  });
}
