/**
 * What the host offers for resource limits: where the cgroup v2 hierarchy is mounted, the user's
 * own cgroup, and which controllers the user may enable below it. The parsers are pure; probing
 * (`probeCgroupSupport`) reads /proc/self/cgroup, /proc/self/mountinfo and the cgroup's files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CgroupVersion = 'v2' | 'hybrid' | 'v1' | 'none';

export interface CgroupSupport {
  readonly version: CgroupVersion;
  /** Where the cgroup2 filesystem is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified when hybrid). */
  readonly mountPoint?: string;
  /** The process's own cgroup in the v2 hierarchy, e.g. /user.slice/user-1000.slice/user@1000.service/app.slice. */
  readonly ownPath?: string;
  /** Controllers the user may use for containers: available in the own cgroup, which the user may manage. */
  readonly delegated: readonly string[];
  /** The user may create a child of the own cgroup and move processes into it. */
  readonly canCreateChild: boolean;
}

/** Pure: the "0::/path" line of /proc/self/cgroup (the v2 hierarchy), or undefined. */
export function parseOwnCgroupPath(procSelfCgroup: string): string | undefined {
  const line = procSelfCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line === undefined ? undefined : line.slice(3).trim() || '/';
}

/** Pure: mount point of the cgroup2 filesystem and whether v1 hierarchies are mounted too. */
export function parseCgroupMounts(mountinfo: string): { v2?: string; v1: boolean } {
  let v2: string | undefined;
  let v1 = false;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fsType = line.slice(sep + 3).split(' ')[0];
    const mountPoint = unescapeMountPath(line.slice(0, sep).split(' ')[4] ?? '');
    if (fsType === 'cgroup2' && v2 === undefined) v2 = mountPoint;
    if (fsType === 'cgroup') v1 = true;
  }
  return { ...(v2 !== undefined ? { v2 } : {}), v1 };
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Pure: a space-separated controller list (cgroup.controllers, cgroup.subtree_control). */
export function parseControllerList(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** Pure: the version from the mounts. */
export function cgroupVersionOf(mounts: { v2?: string; v1: boolean }): CgroupVersion {
  if (mounts.v2 !== undefined) return mounts.v1 ? 'hybrid' : 'v2';
  return mounts.v1 ? 'v1' : 'none';
}

/** The absolute directory of a cgroup path under the v2 mount. */
export function cgroupDir(mountPoint: string, cgroupPath: string): string {
  return path.join(mountPoint, cgroupPath);
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the user manages `dir`: may create children there and move processes in and out. */
export function userManagesCgroup(dir: string): boolean {
  return writable(dir) && writable(path.join(dir, 'cgroup.procs')) && writable(path.join(dir, 'cgroup.subtree_control'));
}

export function probeCgroupSupport(procRoot = '/proc/self'): CgroupSupport {
  const mounts = parseCgroupMounts(readText(path.join(procRoot, 'mountinfo')) ?? '');
  const version = cgroupVersionOf(mounts);
  const ownPath = parseOwnCgroupPath(readText(path.join(procRoot, 'cgroup')) ?? '');
  if (mounts.v2 === undefined || ownPath === undefined) return { version, delegated: [], canCreateChild: false };
  const own = cgroupDir(mounts.v2, ownPath);
  const canCreateChild = ownPath !== '/' && userManagesCgroup(own);
  const delegated = canCreateChild ? parseControllerList(readText(path.join(own, 'cgroup.controllers')) ?? '') : [];
  return { version, mountPoint: mounts.v2, ownPath, delegated, canCreateChild };
}
