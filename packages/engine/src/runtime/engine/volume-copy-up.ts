/**
 * docker's volume semantics: a new, empty named volume gets a copy of what the image has at the
 * mount's path, with owners, modes, symlinks and times preserved (cp -a, run by the engine as root
 * of the container's user namespace, so owners are container ids).
 */
import * as fs from 'node:fs';
import { childProcess } from '../../sys/child-process';
import { TsctrError } from '../../errors';
import { resolveInRootfs } from './safe-path';

/** Copies the image's directory at `containerPath` into `dataDir` if that is empty; true if copied. */
export function copyImageContentIntoVolume(rootfs: string, containerPath: string, dataDir: string): boolean {
  const resolved = resolveInRootfs(rootfs, containerPath);
  if (resolved.kind !== 'directory') return false;
  if (fs.readdirSync(dataDir).length > 0) return false;
  const result = childProcess().spawnSync('cp', ['-a', '--', `${resolved.hostPath}/.`, dataDir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new TsctrError(`copying the image's ${containerPath} into the new volume failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return true;
}
