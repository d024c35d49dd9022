/**
 * The container's root filesystem: kernel overlayfs (mounted by the engine, root in the container's
 * user namespace, with `userxattr`) or fuse-overlayfs (a helper process the engine starts; it
 * stays outside the container's PID namespace and ends when its mount goes away).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childProcess } from '../../sys/child-process';
import { TsctrError } from '../../errors';
import { mount, umount2, MNT_DETACH } from '../../sys/libc';
import type { StorageDriver } from '../container-types';

/** The kernel copies mount data into one page, NUL included. */
export const MOUNT_DATA_LIMIT = 4095;

export interface OverlayDirs {
  /** Lower dirs, top layer first. Relative to the data root for the kernel driver. */
  readonly lowers: readonly string[];
  readonly upper: string;
  readonly work: string;
}

/**
 * Pure: the overlay mount data for the kernel driver; refuses data the kernel would truncate.
 * `volatile` (podman's choice for --rm containers): no sync of the upper fs, at the unmount either,
 * which otherwise flushes the whole filesystem of the store; such a mount cannot be mounted again.
 */
export function overlayMountData(dirs: OverlayDirs, opts: { volatile?: boolean } = {}): string {
  for (const dir of [...dirs.lowers, dirs.upper, dirs.work]) {
    if (/[,:\\]/.test(dir)) throw new TsctrError(`overlay directory "${dir}" contains ",", ":" or "\\", which overlay mount options cannot express`);
  }
  const data = `lowerdir=${dirs.lowers.join(':')},upperdir=${dirs.upper},workdir=${dirs.work},userxattr${opts.volatile ? ',volatile' : ''}`;
  if (Buffer.byteLength(data) > MOUNT_DATA_LIMIT) {
    throw new TsctrError(`the image has too many layers (${dirs.lowers.length}) for one overlay mount: ${Buffer.byteLength(data)} bytes of mount options, the kernel takes ${MOUNT_DATA_LIMIT}; use --storage-driver fuse-overlayfs`);
  }
  return data;
}

export interface FuseIdShift {
  /** fuse-overlayfs `uidmapping=` / `gidmapping=` values (see id-shift.ts). */
  readonly uidMapping: string;
  readonly gidMapping: string;
}

/** Pure: fuse-overlayfs's argv (absolute paths; it is a separate process with its own cwd). */
export function fuseOverlayArgs(dirs: OverlayDirs, merged: string, shift?: FuseIdShift): string[] {
  const mapping = shift ? `,uidmapping=${shift.uidMapping},gidmapping=${shift.gidMapping}` : '';
  return ['-o', `lowerdir=${dirs.lowers.join(':')},upperdir=${dirs.upper},workdir=${dirs.work}${mapping}`, merged];
}

/**
 * Pure: the lower dir of one layer relative to the data root. Prefers the short link recorded by
 * the layer store (`layers/<hex>/link` holding the name of `l/<short>`), else the diff dir itself.
 */
export function layerLowerDir(chainId: string, shortLink: string | undefined): string {
  const hex = chainId.replace(/^sha256:/, '');
  return shortLink ? path.join('l', shortLink) : path.join('layers', hex, 'diff');
}

function readShortLink(root: string, chainId: string): string | undefined {
  const hex = chainId.replace(/^sha256:/, '');
  try {
    const name = fs.readFileSync(path.join(root, 'layers', hex, 'link'), 'utf8').trim();
    return /^[A-Za-z0-9]+$/.test(name) && fs.existsSync(path.join(root, 'l', name)) ? name : undefined;
  } catch {
    return undefined;
  }
}

export interface RootfsSpec {
  readonly driver: StorageDriver;
  /** Data root; relative overlay paths are resolved against it. */
  readonly root: string;
  /** Layer chain ids, bottom first (as in ContainerImageRef.layers). */
  readonly layers: readonly string[];
  /** Container dir relative to root (containers/<id>). */
  readonly containerDir: string;
  /** Owners to present for a mapping that differs from the store's (fuse-overlayfs only). */
  readonly idShift?: FuseIdShift;
  /** Owner for the upper dir (the container's "/"), as seen in the engine's namespace. */
  readonly upperOwner?: { readonly uid: number; readonly gid: number };
  /** A container removed at its end (--rm): kernel overlay without syncs (see overlayMountData). */
  readonly volatile?: boolean;
}

/** Mounts the rootfs at <containerDir>/merged and returns its absolute path. */
export function mountRootfs(spec: RootfsSpec): string {
  const abs = (p: string): string => path.join(spec.root, p);
  const rel = {
    upper: path.join(spec.containerDir, 'upper'),
    work: path.join(spec.containerDir, 'work'),
    merged: path.join(spec.containerDir, 'merged'),
    empty: path.join(spec.containerDir, 'empty'),
  };
  for (const dir of Object.values(rel)) fs.mkdirSync(abs(dir), { recursive: true, mode: 0o700 });
  fs.chmodSync(abs(rel.upper), 0o755);
  if (spec.upperOwner) fs.chownSync(abs(rel.upper), spec.upperOwner.uid, spec.upperOwner.gid);
  fs.chmodSync(abs(rel.merged), 0o755);
  const lowers = spec.layers.length === 0 ? [rel.empty] : [...spec.layers].reverse().map((id) => layerLowerDir(id, readShortLink(spec.root, id)));
  const merged = abs(rel.merged);
  if (spec.driver === 'fuse-overlayfs') {
    const args = fuseOverlayArgs({ lowers: lowers.map(abs), upper: abs(rel.upper), work: abs(rel.work) }, merged, spec.idShift);
    const result = childProcess().spawnSync('fuse-overlayfs', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : result.stderr.trim();
      throw new TsctrError(`fuse-overlayfs could not mount the container's root filesystem: ${why}; install fuse-overlayfs and make /dev/fuse usable, or use --storage-driver overlay`);
    }
    return merged;
  }
  const data = overlayMountData({ lowers, upper: rel.upper, work: rel.work }, { volatile: spec.volatile === true });
  const cwd = process.cwd();
  process.chdir(spec.root); // the relative lower/upper/work paths keep the mount data short
  try {
    mount('overlay', merged, 'overlay', 0, data);
  } catch (err) {
    throw new TsctrError(`mounting the overlay root filesystem failed (${(err as Error).message}); this kernel may not support overlayfs in a user namespace (needs Linux >= 5.11): use --storage-driver fuse-overlayfs`, 125, { cause: err });
  } finally {
    process.chdir(cwd);
  }
  return merged;
}

/** Detaches the rootfs and every mount below it; missing or already unmounted is fine. */
export function unmountRootfs(merged: string): void {
  try {
    umount2(merged, MNT_DETACH);
  } catch {
    // not mounted
  }
}
