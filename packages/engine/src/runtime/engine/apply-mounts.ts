/** Applies a MountStep plan inside the rootfs (the engine is root in the container's user and mount namespaces). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mount, MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT } from '../../sys/libc';
import { SysError } from '../../errors';
import { ensureMountPoint, resolveInRootfs } from './safe-path';
import { SYSFS_FLAGS, type MountStep } from './mount-plan';

export function applyMountPlan(rootfs: string, steps: readonly MountStep[]): void {
  for (const step of steps) applyStep(rootfs, step);
}

function applyStep(rootfs: string, step: MountStep): void {
  switch (step.kind) {
    case 'mkdir':
      ensureMountPoint(rootfs, step.target, 'directory');
      return;
    case 'symlink': {
      const resolved = resolveInRootfs(rootfs, step.target);
      if (resolved.kind !== 'missing') fs.rmSync(resolved.hostPath, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(resolved.hostPath), { recursive: true });
      fs.symlinkSync(step.linkTo, resolved.hostPath);
      return;
    }
    case 'mount': {
      const target = ensureMountPoint(rootfs, step.target, step.mountPoint, step.replace ?? false);
      mount(step.source, target, step.fstype, step.flags, step.data);
      return;
    }
    case 'sysfs':
      mountReadOnlySys(ensureMountPoint(rootfs, step.target, 'directory'));
      return;
  }
}

/**
 * A fresh sysfs shows the container's own network namespace; the kernel allows it because the user
 * namespace owns that netns. If it refuses anyway (a host /sys that is not fully visible), fall back
 * to podman's rootless way: a recursive bind of the host's /sys, remounted read-only.
 */
function mountReadOnlySys(target: string): void {
  try {
    mount('sysfs', target, 'sysfs', SYSFS_FLAGS, null);
    return;
  } catch (err) {
    if (!(err instanceof SysError && err.code === 'EPERM')) throw err;
  }
  mount('/sys', target, null, MS_BIND | MS_REC, null);
  mount(null, target, null, MS_REMOUNT | MS_BIND | SYSFS_FLAGS, null);
}

/** --read-only: the rootfs mount itself becomes read-only (mounts on top of it keep their own flags). */
export function remountReadOnly(target: string): void {
  mount(null, target, null, MS_REMOUNT | MS_BIND | MS_RDONLY, null);
}
