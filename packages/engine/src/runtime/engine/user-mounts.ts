/**
 * Applies a container's user mounts (-v, --mount, --tmpfs, --read-only's tmpfs) inside the rootfs,
 * after /dev, /sys and the generated /etc files, parents first. Each destination is resolved inside
 * the rootfs (resolveScoped) and mounted through an O_PATH fd (openInRootfs), never through a path
 * that could lead outside it. The engine is root in the container's user namespace: binds of the
 * user's own files work, and `:U` can chown to any mapped id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childProcess } from '../../sys/child-process';
import { TsctrError } from '../../errors';
import { mount, MS_BIND, MS_REC } from '../../sys/libc';
import { fstatvfsFlags } from '../../sys/path-fd';
import { withStoreLock } from '../../storage/lock';
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig } from '../container-types';
import { containerDir } from '../containers/layout';
import type { MountSpec } from '../mounts/mount-spec';
import { resolveUser } from '../policy/user';
import { volumeDataDir, volumeDir } from '../volumes/volume-layout';
import { chownTree } from './chown-tree';
import { ensureMountPoint, readRootfsFile } from './safe-path';
import { fdPath, openInRootfs, resolveScoped } from './scoped-path';
import { bindRemountFlags, overlayBindData, propagationFlags, requestedBindFlags, tmpfsData, tmpfsFlags } from './user-mount-flags';
import { copyImageContentIntoVolume } from './volume-copy-up';
import type { AppliedMount } from './user-mount-order';

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- the volume store loads only for containers with volumes */
const loadVolumeStore = (): typeof import('../volumes/volume-store') => require('../volumes/volume-store');

/** Throwaway upper and work dirs of `:O` mounts: `R/containers/<id>/overlay-mounts/<n>/`. */
export const overlayMountsDir = (paths: StorePaths, id: string): string => path.join(containerDir(paths, id), 'overlay-mounts');

/** Mounts every user mount; returns them with their destinations as resolved inside the rootfs. */
export async function applyUserMounts(rootfs: string, paths: StorePaths, config: ContainerConfig): Promise<AppliedMount[]> {
  const mounts = config.mounts ?? [];
  const applied: AppliedMount[] = [];
  if (mounts.length === 0) return applied;
  removeOverlayMountDirs(paths, config.id);
  for (const [index, m] of mounts.entries()) {
    try {
      applied.push({ type: m.type, destination: await applyOne(rootfs, paths, config, m, index) });
    } catch (err) {
      if (err instanceof TsctrError) throw err;
      throw new TsctrError(`cannot mount ${describe(m)} on ${m.destination}: ${(err as Error).message}`, 125, { cause: err });
    }
  }
  return applied;
}

function describe(m: MountSpec): string {
  return m.type === 'tmpfs' ? 'a tmpfs' : m.type === 'volume' ? `volume ${m.source}` : m.source;
}

function sourceKind(source: string, m: MountSpec): 'directory' | 'file' {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (err) {
    throw new TsctrError(`${m.type === 'volume' ? `volume ${m.source} has no data directory` : `bind mount source ${source} no longer exists`} (${(err as Error).message})`);
  }
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  throw new TsctrError(`bind mount source ${source} is neither a directory nor a regular file`);
}

async function applyOne(rootfs: string, paths: StorePaths, config: ContainerConfig, m: MountSpec, index: number): Promise<string> {
  const destination = resolveScoped(rootfs, m.destination);
  if (m.type === 'tmpfs') {
    ensureMountPoint(rootfs, destination, 'directory');
    withTarget(rootfs, destination, (target) => mount('tmpfs', target, 'tmpfs', tmpfsFlags(m), tmpfsData(m)));
    return destination;
  }
  const source = m.type === 'volume' ? volumeDataDir(paths, m.source) : m.source;
  const kind = sourceKind(source, m);
  if (m.type === 'volume' && !m.noCopy) await copyUpOnce(rootfs, paths, m.source, destination);
  ensureMountPoint(rootfs, destination, kind);
  if (m.chown) {
    const user = resolveUser(config.process.user, [], { passwd: readRootfsFile(rootfs, '/etc/passwd') ?? null, group: readRootfsFile(rootfs, '/etc/group') ?? null });
    chownTree(source, user.uid, user.gid);
  }
  if (m.overlay) withTarget(rootfs, destination, (target) => mountOverlay(source, target, path.join(rootfs, destination), path.join(overlayMountsDir(paths, config.id), String(index))));
  else withTarget(rootfs, destination, (target) => mount(source, target, null, MS_BIND | (m.recursive ? MS_REC : 0), null));
  // The target now resolves to the new mount's root.
  withTarget(rootfs, destination, (target, fd) => {
    if (requestedBindFlags(m) !== 0) mount(null, target, null, bindRemountFlags(m, fstatvfsFlags(fd)), null);
    mount(null, target, null, propagationFlags(m.propagation), null);
  });
  return destination;
}

function withTarget(rootfs: string, destination: string, fn: (target: string, fd: number) => void): void {
  const fd = openInRootfs(rootfs, destination);
  try {
    fn(fdPath(fd), fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A new volume gets the image's content at its path once (under the store lock: one copier). */
async function copyUpOnce(rootfs: string, paths: StorePaths, name: string, destination: string): Promise<void> {
  const record = await loadVolumeStore().readVolume(paths, name);
  if (!record?.needsCopyUp) return;
  await withStoreLock(paths, async () => {
    const current = await loadVolumeStore().readVolume(paths, name);
    if (!current?.needsCopyUp) return;
    copyImageContentIntoVolume(rootfs, destination, volumeDataDir(paths, name));
    const st = fs.statSync(volumeDir(paths, name));
    await loadVolumeStore().markCopiedUp(paths, name, { uid: st.uid, gid: st.gid });
  });
}

/**
 * `:O`: kernel overlayfs (userxattr, allowed in a user namespace since Linux 5.11) with the source
 * as the only lower layer; fuse-overlayfs when the kernel refuses. Changes go to a throwaway upper.
 */
function mountOverlay(lower: string, target: string, targetHostPath: string, dir: string): void {
  const upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  fs.mkdirSync(upper, { recursive: true, mode: 0o755 });
  fs.mkdirSync(work, { recursive: true, mode: 0o700 });
  const data = overlayBindData(lower, upper, work);
  try {
    mount('overlay', target, 'overlay', 0, data);
    return;
  } catch (kernelErr) {
    const result = childProcess().spawnSync('fuse-overlayfs', ['-o', data.replace(/,userxattr$/, ''), targetHostPath], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.error || result.status !== 0) {
      throw new TsctrError(`cannot overlay ${lower} (option O): the kernel refused (${(kernelErr as Error).message}) and fuse-overlayfs failed (${result.error?.message ?? result.stderr.trim()})`);
    }
  }
}

/** The `:O` upper dirs are thrown away when the container stops (and before it starts again). */
export function removeOverlayMountDirs(paths: StorePaths, id: string): void {
  const dir = overlayMountsDir(paths, id);
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`tsctr engine: cannot remove ${dir}: ${(err as Error).message}`);
  }
}
