/**
 * Resolving `-u user[:group]` and `--group-add` against the image's /etc/passwd and /etc/group,
 * with docker's rules (moby/sys/user GetExecUser). The caller reads the files (text, or null
 * when the image has none); this module makes no system calls.
 */
import { TsctrError } from '../../errors';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups: the groups listing the user (implicit group only), then --group-add. */
  readonly additionalGids: readonly number[];
  readonly home: string;
}

const MAX_ID = 2 ** 31 - 1;

function entries(text: string | null): string[][] {
  if (text === null) return [];
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

function id(field: string | undefined): number {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : -1;
}

/** Entries of an /etc/passwd text; malformed lines (non-numeric ids) are skipped. */
export function parsePasswd(text: string | null): PasswdEntry[] {
  return entries(text)
    .map(([name = '', , uid, gid, , home = '', shell = '']) => ({ name, uid: id(uid), gid: id(gid), home, shell }))
    .filter((e) => e.uid >= 0 && e.gid >= 0);
}

/** Entries of an /etc/group text; malformed lines are skipped. */
export function parseGroup(text: string | null): GroupEntry[] {
  return entries(text)
    .map(([name = '', , gid, members = '']) => ({ name, gid: id(gid), members: members.split(',').map((m) => m.trim()).filter((m) => m !== '') }))
    .filter((e) => e.gid >= 0);
}

function numeric(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function checkRange(value: number, what: string, spec: string): number {
  if (value > MAX_ID) throw new TsctrError(`${what} ${spec} is out of range: ids go from 0 to ${MAX_ID}`);
  return value;
}

/**
 * Resolves a user spec: "" (root, or the passwd entry of uid 0), "name", "uid", "name:group",
 * "uid:gid", "name:gid", "uid:group". A numeric uid need not exist in passwd (gid 0, home /);
 * a name must. Supplementary groups are those of /etc/group that list the user's name, unless a
 * group is given explicitly; `groupAdd` entries (names or gids) are appended.
 */
export function resolveUser(spec: string, groupAdd: readonly string[], files: { passwd: string | null; group: string | null }): ResolvedUser {
  const colon = spec.indexOf(':');
  const userArg = colon === -1 ? spec : spec.slice(0, colon);
  const groupArg = colon === -1 ? '' : spec.slice(colon + 1);
  const users = parsePasswd(files.passwd);
  const groups = parseGroup(files.group);

  let uid = 0;
  let gid = 0;
  let home = '/';
  const uidArg = numeric(userArg);
  const match = users.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg));
  if (match) {
    ({ uid, gid, home } = match);
  } else if (userArg !== '') {
    if (uidArg === undefined) {
      throw new TsctrError(`unable to find user ${userArg}: no matching entries in passwd file (use a numeric uid or a user of the image)`);
    }
    uid = checkRange(uidArg, 'user id', userArg);
  }

  const additionalGids: number[] = [];
  if (groupArg !== '') {
    gid = lookupGroup(groupArg, groups);
  } else if (match) {
    for (const g of groups) if (g.members.includes(match.name)) additionalGids.push(g.gid);
  }
  for (const extra of groupAdd) {
    const extraGid = lookupGroup(extra, groups);
    if (!additionalGids.includes(extraGid)) additionalGids.push(extraGid);
  }
  return { uid, gid, additionalGids, home: home || '/' };
}

function lookupGroup(name: string, groups: readonly GroupEntry[]): number {
  const gidArg = numeric(name);
  const match = groups.find((g) => (gidArg !== undefined ? g.gid === gidArg : g.name === name));
  if (match) return match.gid;
  if (gidArg === undefined) throw new TsctrError(`unable to find group ${name}: no matching entries in group file (use a numeric gid or a group of the image)`);
  return checkRange(gidArg, 'group id', name);
}

/** Adds HOME=<home> unless the environment already sets HOME (docker does the same). */
export function withHomeDefault(env: readonly string[], home: string): string[] {
  return env.some((entry) => entry.startsWith('HOME=')) ? [...env] : [...env, `HOME=${home}`];
}
