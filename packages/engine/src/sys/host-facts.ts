/**
 * What `tsctr info` reports about the host: kernel, subordinate id ranges, helper programs,
 * user-namespace and cgroup support. Parsers are pure; `probeHostFacts` does the reading.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentUser, readSubordinateIds } from '../runtime/subid-files';
import type { SubidRange } from '../runtime/subids';

/** Pure: "6.1.0-18-amd64" -> [6, 1]. */
export function kernelVersion(release: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** Kernel overlayfs accepts `userxattr` (needed for rootless overlay) from Linux 5.11. */
export function kernelHasOverlayUserxattr(release: string): boolean {
  const [major, minor] = kernelVersion(release);
  return major > 5 || (major === 5 && minor >= 11);
}

export interface HostFacts {
  readonly kernel: string;
  readonly os: string;
  readonly arch: string;
  readonly user: { readonly name: string; readonly uid: number; readonly gid: number };
  readonly subuids: readonly SubidRange[];
  readonly subgids: readonly SubidRange[];
  readonly unprivilegedUserNamespaces: boolean;
  readonly overlayUserxattr: boolean;
  /** Absolute path of each helper program found in PATH, or undefined. */
  readonly programs: Readonly<Record<string, string | undefined>>;
  readonly devices: { readonly fuse: boolean; readonly tun: boolean };
}

export const helperPrograms = ['newuidmap', 'newgidmap', 'fuse-overlayfs', 'slirp4netns', 'pasta'] as const;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function findInPath(program: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const dirs = [...pathVar.split(':').filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function probeUserNamespaces(): boolean {
  const max = readText('/proc/sys/user/max_user_namespaces');
  if (max !== undefined && Number(max.trim()) === 0) return false;
  const debianSwitch = readText('/proc/sys/kernel/unprivileged_userns_clone');
  if (debianSwitch !== undefined && debianSwitch.trim() === '0') return false;
  return fs.existsSync('/proc/self/ns/user');
}

export function probeHostFacts(): HostFacts {
  const user = currentUser();
  const sub = readSubordinateIds(user);
  const release = os.release();
  const programs: Record<string, string | undefined> = {};
  for (const p of helperPrograms) programs[p] = findInPath(p);
  return {
    kernel: release,
    os: os.platform(),
    arch: os.arch(),
    user,
    subuids: sub.uids,
    subgids: sub.gids,
    unprivilegedUserNamespaces: probeUserNamespaces(),
    overlayUserxattr: kernelHasOverlayUserxattr(release),
    programs,
    devices: { fuse: fs.existsSync('/dev/fuse'), tun: fs.existsSync('/dev/net/tun') },
  };
}
