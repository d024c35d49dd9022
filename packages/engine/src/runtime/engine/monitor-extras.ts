/**
 * What the lean monitor (monitor.ts) loads only when it needs it: exec and copy sessions, terminal
 * resizes, state writes and the clean-up at the end. All of it uses koffi or large modules, which
 * a container at rest does without. In the installed tree this is its own bundle
 * (monitor-extras.bundle.js), required by the monitor on first use.
 */
import * as fs from 'node:fs';
import { withStoreLock } from '../../storage/lock';
import type { StorePaths } from '../../storage/paths';
import { setCloseOnExec } from '../../sys/exec';
import { oomKilledIn, removeContainerCgroup } from '../../cgroups/container-cgroup';
import type { ContainerConfig } from '../container-types';
import { containerDir, containerRunDir } from '../containers/layout';
import { adoptSealedShimFd } from '../shim-binary';
import { removeAnonymousVolumes } from '../volumes/volume-store';
import { unmountRootfs } from './rootfs';
import { removeOverlayMountDirs } from './user-mounts';

export { ExecService } from './exec-session';
export { serveCopyIn, serveCopyOut } from './copy-session';
export { setWindowSize } from '../../sys/pty';
export { StateWriter } from './state-file';
export { oomKilledIn };

/**
 * First call: the inherited descriptors go back to close-on-exec (nothing the monitor starts may
 * hold them) and exec sessions use the inherited sealed shim.
 */
export function prepareExtras(inherited: readonly number[], shimFd: number): void {
  for (const fd of inherited) {
    try {
      setCloseOnExec(fd, true);
    } catch {
      // closed already (an output pipe or the status pipe at their end): nothing to protect
    }
  }
  adoptSealedShimFd(shimFd);
}

/** The end of a container (as the engine's finish): unmount, overlay mount dirs, cgroup. */
export async function releaseContainer(paths: StorePaths, config: ContainerConfig, merged: string, cgroupDir: string | undefined): Promise<void> {
  unmountRootfs(merged);
  if (config.mounts?.some((m) => m.overlay)) removeOverlayMountDirs(paths, config.id);
  await removeContainerCgroup(cgroupDir);
}

/** --rm: the container's files and anonymous volumes go (as the engine's removeContainer). */
export async function removeContainer(paths: StorePaths, config: ContainerConfig): Promise<void> {
  await withStoreLock(paths, async () => {
    await fs.promises.rm(containerDir(paths, config.id), { recursive: true, force: true });
    await fs.promises.rm(containerRunDir(paths, config.id), { recursive: true, force: true });
  });
  await removeAnonymousVolumes(paths, config).catch((err: Error) => console.error(`tsctr monitor: removing anonymous volumes: ${err.message}`));
}
