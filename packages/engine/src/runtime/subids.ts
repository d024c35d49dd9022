/**
 * Subordinate ids (/etc/subuid, /etc/subgid) and the user-namespace mappings planned from them.
 * Everything here is pure: the files' text comes in, IdMappings (what /proc/PID/uid_map will show,
 * i.e. the arguments of newuidmap/newgidmap) come out.
 *
 * Mapping modes, as podman has them:
 * - default: container 0 -> the user's own id (size 1); container 1.. -> every subordinate range,
 *   in file order, back to back.
 * - keep-id: container id U (default: the user's own uid/gid) -> the user's own id; container
 *   0..U-1 and U+1.. -> the subordinate ranges, in order.
 * - custom (--uidmap/--gidmap `container:intermediate:size`): the middle number is an id of the
 *   *intermediate* namespace, the one the default mapping creates (podman's rootless semantic):
 *   intermediate 0 is the user, intermediate 1..N are the subordinate ids in order. So
 *   `--uidmap 0:1:65536` maps container 0..65535 onto the first 65536 subordinate ids and leaves
 *   the user's own id unmapped. Without --gidmap the gid map follows the same specs as --uidmap.
 *   Container id 0 must be mapped: the per-container engine runs as root of that namespace.
 */
import { TsctrError } from '../errors';
import type { IdMapEntry, IdMappings } from './idmap';

export interface SubidRange {
  readonly start: number;
  readonly count: number;
}

export interface UserIdentity {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface SubordinateIds {
  readonly uids: readonly SubidRange[];
  readonly gids: readonly SubidRange[];
}

export type UsernsMode =
  | { readonly kind: 'default' }
  | { readonly kind: 'keep-id'; readonly uid?: number; readonly gid?: number }
  | { readonly kind: 'custom'; readonly uidmap: readonly string[]; readonly gidmap: readonly string[] };

export const SUBUID_FILE = '/etc/subuid';
export const SUBGID_FILE = '/etc/subgid';

const MAX_ID = 0xffffffff; // uid_t is 32 bits; (uid_t)-1 is invalid.

/**
 * Ranges for a user from the text of /etc/subuid or /etc/subgid: lines `owner:start:count` where
 * owner is the user's name or numeric id. Comments, blank and malformed lines are skipped, as
 * shadow's own parser does.
 */
export function parseSubidFile(text: string, owner: { readonly name: string; readonly id: number }): SubidRange[] {
  const ranges: SubidRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length !== 3) continue;
    const [who, startText, countText] = fields;
    if (who !== owner.name && who !== String(owner.id)) continue;
    const start = parseDecimal(startText);
    const count = parseDecimal(countText);
    if (start === undefined || count === undefined || count === 0 || start + count > MAX_ID) continue;
    ranges.push({ start, count });
  }
  return ranges;
}

/** Throws the error a user without subordinate ranges sees, with the command that fixes it. */
export function requireSubordinateIds(user: UserIdentity, sub: SubordinateIds): void {
  const missing = sub.uids.length === 0 ? ['uid', SUBUID_FILE] : sub.gids.length === 0 ? ['gid', SUBGID_FILE] : undefined;
  if (!missing) return;
  throw new TsctrError(
    `no subordinate ${missing[0]} range for user "${user.name}" in ${missing[1]}: add one with ` +
      `"sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}"`,
  );
}

function totalCount(ranges: readonly SubidRange[]): number {
  return ranges.reduce((n, r) => n + r.count, 0);
}

/**
 * Maps container ids [containerStart, containerStart + size) onto the subordinate ids that follow
 * the first `skip` of them, splitting at range boundaries.
 */
function mapOntoRanges(ranges: readonly SubidRange[], skip: number, containerStart: number, size: number): IdMapEntry[] {
  const out: IdMapEntry[] = [];
  let containerId = containerStart;
  let left = size;
  for (const r of ranges) {
    if (left === 0) break;
    if (skip >= r.count) {
      skip -= r.count;
      continue;
    }
    const take = Math.min(r.count - skip, left);
    out.push({ containerId, hostId: r.start + skip, size: take });
    containerId += take;
    left -= take;
    skip = 0;
  }
  if (left > 0) throw new Error(`internal: ${left} ids beyond the subordinate ranges`);
  return out;
}

function defaultMap(ownId: number, ranges: readonly SubidRange[]): IdMapEntry[] {
  return [{ containerId: 0, hostId: ownId, size: 1 }, ...mapOntoRanges(ranges, 0, 1, totalCount(ranges))];
}

/** Container 0 -> the user; container 1.. -> all subordinate ranges in order. */
export function planDefaultMappings(user: UserIdentity, sub: SubordinateIds): IdMappings {
  requireSubordinateIds(user, sub);
  return { uidMap: defaultMap(user.uid, sub.uids), gidMap: defaultMap(user.gid, sub.gids) };
}

function keepIdMap(kind: 'uid' | 'gid', ownId: number, containerId: number, ranges: readonly SubidRange[]): IdMapEntry[] {
  const total = totalCount(ranges);
  if (!Number.isInteger(containerId) || containerId < 0 || containerId > MAX_ID - 1) {
    throw new TsctrError(`--userns=keep-id: ${kind} ${containerId} is not a valid id`);
  }
  if (containerId > total) {
    throw new TsctrError(
      `--userns=keep-id: container ${kind} ${containerId} needs at least ${containerId} subordinate ${kind}s below it, ` +
        `but only ${total} are available: add a larger range to ${kind === 'uid' ? SUBUID_FILE : SUBGID_FILE}`,
    );
  }
  const below = containerId === 0 ? [] : mapOntoRanges(ranges, 0, 0, containerId);
  const above = total > containerId ? mapOntoRanges(ranges, containerId, containerId + 1, total - containerId) : [];
  return [...below, { containerId, hostId: ownId, size: 1 }, ...above];
}

/** podman's --userns=keep-id[:uid=U,gid=G]: the user keeps their own id inside (or U/G). */
export function planKeepIdMappings(user: UserIdentity, sub: SubordinateIds, opts: { uid?: number; gid?: number } = {}): IdMappings {
  requireSubordinateIds(user, sub);
  return {
    uidMap: keepIdMap('uid', user.uid, opts.uid ?? user.uid, sub.uids),
    gidMap: keepIdMap('gid', user.gid, opts.gid ?? user.gid, sub.gids),
  };
}

/** Parses one `container:intermediate:size` spec of --uidmap/--gidmap. */
export function parseIdMapSpec(flag: string, spec: string): IdMapEntry {
  const fields = spec.split(':');
  const numbers = fields.map(parseDecimal);
  if (fields.length !== 3 || numbers.some((n) => n === undefined)) {
    throw new TsctrError(`${flag} "${spec}": expected container:intermediate:size with decimal numbers, e.g. 0:1:65536`);
  }
  const [containerId, hostId, size] = numbers as number[];
  if (size === 0) throw new TsctrError(`${flag} "${spec}": size must be at least 1`);
  if (containerId + size > MAX_ID || hostId + size > MAX_ID) throw new TsctrError(`${flag} "${spec}": ids beyond 4294967294`);
  return { containerId, hostId, size };
}

function checkNoOverlap(flag: string, entries: readonly IdMapEntry[], key: 'containerId' | 'hostId', what: string): void {
  const sorted = [...entries].sort((a, b) => a[key] - b[key]);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i][key] < prev[key] + prev.size) {
      throw new TsctrError(`${flag}: ${what} ids of ${format(prev)} and ${format(sorted[i])} overlap`);
    }
  }
}

function format(e: IdMapEntry): string {
  return `${e.containerId}:${e.hostId}:${e.size}`;
}

/** Turns intermediate-id specs into host mappings through the default mapping `intermediate`. */
function composeCustomMap(flag: string, kind: 'uid' | 'gid', specs: readonly string[], intermediate: readonly IdMapEntry[]): IdMapEntry[] {
  const entries = specs.map((s) => parseIdMapSpec(flag, s));
  checkNoOverlap(flag, entries, 'containerId', 'container');
  checkNoOverlap(flag, entries, 'hostId', 'intermediate');
  const available = intermediate.reduce((n, e) => n + e.size, 0);
  const out: IdMapEntry[] = [];
  for (const e of entries) {
    if (e.hostId + e.size > available) {
      throw new TsctrError(
        `${flag} "${format(e)}": intermediate ${kind}s ${e.hostId}-${e.hostId + e.size - 1} do not exist: ` +
          `only 0-${available - 1} are available (0 is your own ${kind}, 1-${available - 1} the subordinate ${kind}s)`,
      );
    }
    // Walk the intermediate map (contiguous from 0) and split the spec at its entry boundaries.
    let from = e.hostId;
    let containerId = e.containerId;
    let left = e.size;
    for (const m of intermediate) {
      if (left === 0) break;
      const end = m.containerId + m.size;
      if (from >= end) continue;
      const take = Math.min(end - from, left);
      out.push({ containerId, hostId: m.hostId + (from - m.containerId), size: take });
      containerId += take;
      from += take;
      left -= take;
    }
  }
  return out.sort((a, b) => a.containerId - b.containerId);
}

/** --uidmap/--gidmap in podman's intermediate-id semantic; --gidmap defaults to the --uidmap specs. */
export function planCustomMappings(user: UserIdentity, sub: SubordinateIds, uidmap: readonly string[], gidmap: readonly string[]): IdMappings {
  requireSubordinateIds(user, sub);
  const defaults = planDefaultMappings(user, sub);
  if (uidmap.length === 0 && gidmap.length === 0) return defaults;
  const uidSpecs = uidmap.length > 0 ? uidmap : gidmap;
  const gidSpecs = gidmap.length > 0 ? gidmap : uidmap;
  const mappings = {
    uidMap: composeCustomMap('--uidmap', 'uid', uidSpecs, defaults.uidMap),
    gidMap: composeCustomMap('--gidmap', 'gid', gidSpecs, defaults.gidMap),
  };
  // The engine itself runs as root of the container's user namespace.
  for (const [flag, map] of [['--uidmap', mappings.uidMap], ['--gidmap', mappings.gidMap]] as const) {
    if (!map.some((e) => e.containerId === 0)) throw new TsctrError(`${flag}: container id 0 must be mapped (e.g. ${flag} 0:1:65536)`);
  }
  return mappings;
}

/** Parses podman's --userns values tsctr supports: unset/"" (default mapping) and keep-id[:uid=U,gid=G]. */
export function parseUsernsOption(value: string | undefined): UsernsMode {
  if (value === undefined || value === '') return { kind: 'default' };
  const [name, opts] = splitOnce(value, ':');
  if (name !== 'keep-id') {
    throw new TsctrError(`--userns "${value}": supported values are keep-id[:uid=N,gid=N] (or leave it out for the default mapping)`);
  }
  let uid: number | undefined;
  let gid: number | undefined;
  for (const opt of opts ? opts.split(',') : []) {
    const [key, text] = splitOnce(opt, '=');
    const n = text === undefined ? undefined : parseDecimal(text);
    if ((key !== 'uid' && key !== 'gid') || n === undefined) {
      throw new TsctrError(`--userns "${value}": unknown keep-id option "${opt}" (known: uid=N, gid=N)`);
    }
    if (key === 'uid') uid = n;
    else gid = n;
  }
  return { kind: 'keep-id', uid, gid };
}

/** The mappings for a --userns mode (with --uidmap/--gidmap for `custom`). */
export function planMappings(mode: UsernsMode, user: UserIdentity, sub: SubordinateIds): IdMappings {
  switch (mode.kind) {
    case 'default':
      return planDefaultMappings(user, sub);
    case 'keep-id':
      return planKeepIdMappings(user, sub, { uid: mode.uid, gid: mode.gid });
    case 'custom':
      return planCustomMappings(user, sub, mode.uidmap, mode.gidmap);
  }
}

/** Arguments of `newuidmap PID ...` / `newgidmap PID ...` for one map. */
export function newIdMapArgs(pid: number, entries: readonly IdMapEntry[]): string[] {
  return [String(pid), ...entries.flatMap((e) => [String(e.containerId), String(e.hostId), String(e.size)])];
}

/** The map as the kernel prints it in /proc/PID/uid_map (whitespace normalised). */
export function formatIdMap(entries: readonly IdMapEntry[]): string {
  return entries.map((e) => `${e.containerId} ${e.hostId} ${e.size}`).join('\n');
}

function parseDecimal(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
