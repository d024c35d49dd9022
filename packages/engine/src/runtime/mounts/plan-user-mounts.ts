/**
 * Pure planning of a container's user mounts from -v, --mount, --tmpfs and --read-only: parsed,
 * checked against each other and (through an injected stat) against the host, sorted so that a
 * parent is mounted before anything below it. Runs at create time, before anything is written.
 */
import * as fs from 'node:fs';
import { TsctrError } from '../../errors';
import { type MountSpec, baseMount } from './mount-spec';
import { parseMountFlag } from './parse-mount-flag';
import { parseTmpfsFlag } from './parse-tmpfs-flag';
import { parseVolumeFlag } from './parse-volume-flag';

export interface MountRequest {
  readonly volumes: readonly string[];
  readonly mounts: readonly string[];
  readonly tmpfs: readonly string[];
  /** --read-only. */
  readonly readOnly: boolean;
  /** --read-only-tmpfs (default true): writable tmpfs on /tmp, /var/tmp and /run of a read-only rootfs. */
  readonly readOnlyTmpfs: boolean;
}

export type HostPathKind = 'directory' | 'file' | 'missing' | 'other';
export type HostStat = (hostPath: string) => HostPathKind;

/** Follows symlinks: a bind source may be a link on the host (it is the user's own path). */
export function hostPathKind(hostPath: string): HostPathKind {
  try {
    const st = fs.statSync(hostPath);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw new TsctrError(`cannot use bind mount source ${hostPath}: ${(err as Error).message}`);
  }
}

/** podman's writable tmpfs for a read-only rootfs (exec allowed, unlike a plain --tmpfs). */
export const READ_ONLY_TMPFS: readonly { readonly destination: string; readonly mode: number }[] = [
  { destination: '/tmp', mode: 0o1777 },
  { destination: '/var/tmp', mode: 0o1777 },
  { destination: '/run', mode: 0o755 },
];

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

/** Pure: parses every flag, refuses two mounts on one destination, adds the read-only tmpfs. */
export function parseMountRequest(request: MountRequest): MountSpec[] {
  const specs = [...request.volumes.map(parseVolumeFlag), ...request.mounts.map(parseMountFlag), ...request.tmpfs.map(parseTmpfsFlag)];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.destination)) throw new TsctrError(`duplicate mount destination ${s.destination}: give each container path only once`);
    seen.add(s.destination);
  }
  if (request.readOnly && request.readOnlyTmpfs) {
    for (const t of READ_ONLY_TMPFS) {
      if (!seen.has(t.destination)) specs.push({ ...baseMount('tmpfs', 'tmpfs', t.destination), noexec: false, nosuid: true, nodev: true, tmpfs: { mode: t.mode }, implicit: true });
    }
  }
  return specs.map((s, i) => ({ s, i })).sort((a, b) => depth(a.s.destination) - depth(b.s.destination) || a.i - b.i).map(({ s }) => s);
}

/** Checks bind sources on the host: they must exist (podman does not create missing ones). */
export function checkBindSources(specs: readonly MountSpec[], stat: HostStat): void {
  for (const s of specs) {
    if (s.type !== 'bind') continue;
    const kind = stat(s.source);
    if (kind === 'missing') {
      throw new TsctrError(`bind mount source ${s.source} (for ${s.destination}) does not exist: create it first (tsctr, like podman, does not create missing host paths)`);
    }
    if (kind === 'other') throw new TsctrError(`bind mount source ${s.source} is neither a directory nor a regular file`);
    if (s.overlay && kind !== 'directory') throw new TsctrError(`option "O" needs a directory, but ${s.source} is a file`);
  }
}

/** Every mount flag turned into the record's mounts, validated against the host. */
export function planUserMounts(request: MountRequest, stat: HostStat = hostPathKind): MountSpec[] {
  const specs = parseMountRequest(request);
  checkBindSources(specs, stat);
  return specs;
}

/** Pure: gives every anonymous volume a fresh name (64 hex characters, like docker and podman). */
export function nameAnonymousVolumes(specs: readonly MountSpec[], newName: () => string): MountSpec[] {
  return specs.map((s) => (s.type === 'volume' && s.anonymous && s.source === '' ? { ...s, source: newName() } : s));
}
