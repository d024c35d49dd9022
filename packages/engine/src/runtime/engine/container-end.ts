/**
 * The end of a container, shared by the engine and the lean monitor (monitor-extras.ts): releasing
 * its mounts and cgroup, and `--rm`'s removal in two steps (hidden at once, deleted once the
 * clients have been told).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeContainerCgroup } from '../../cgroups/engine-cgroup';
import { withStoreLock } from '../../storage/lock';
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig } from '../container-types';
import { containerDir, containerRunDir } from '../containers/layout';
import { unmountRootfs } from './rootfs';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the volume store loads only for containers with anonymous volumes
const loadVolumeStore = (): typeof import('../volumes/volume-store') => require('../volumes/volume-store');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mount code loads only for containers with `:O` mounts
const loadUserMounts = (): typeof import('./user-mounts') => require('./user-mounts');

/** The root filesystem unmounted, the cgroup and the overlay mount dirs of `:O` volumes removed. */
export async function releaseContainer(paths: StorePaths, config: ContainerConfig, merged: string, cgroupDir: string | undefined): Promise<void> {
  unmountRootfs(merged);
  await removeContainerCgroup(cgroupDir);
  if (config.mounts?.some((m) => m.overlay)) loadUserMounts().removeOverlayMountDirs(paths, config.id);
}

/**
 * --rm, first step: the container's directory is renamed out of sight (a dot name no listing
 * reads) under the store lock, so the container is gone for every command at once, and its
 * anonymous volumes go. Returns the renamed tree (undefined when it had to be deleted in place),
 * which deleteRemovedContainer deletes after the clients have been told. Synchronous inside the
 * lock: nothing else waits on the calling process now.
 */
export async function hideRemovedContainer(paths: StorePaths, config: ContainerConfig, who: string): Promise<string | undefined> {
  const dir = containerDir(paths, config.id);
  const leftover = path.join(path.dirname(dir), `.removed-${config.id}`);
  const renamed = await withStoreLock(paths, () => {
    try {
      fs.renameSync(dir, leftover);
      return Promise.resolve(true);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve(false);
    }
  });
  if (config.mounts?.some((m) => m.type === 'volume' && m.anonymous)) {
    await loadVolumeStore().removeAnonymousVolumes(paths, config).catch((err: Error) => console.error(`tsctr ${who}: removing anonymous volumes: ${err.message}`));
  }
  return renamed ? leftover : undefined;
}

/** --rm, second step: the run dir (with the control socket) and the hidden tree go. */
export function deleteRemovedContainer(paths: StorePaths, id: string, leftover: string | undefined): void {
  fs.rmSync(containerRunDir(paths, id), { recursive: true, force: true });
  if (leftover) fs.rmSync(leftover, { recursive: true, force: true });
}
