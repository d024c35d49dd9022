/** The directories made for an engine's launch before its record existed (the early launch). */
import * as fs from 'node:fs';
import type { StorePaths } from '../../storage/paths';
import { containerConfigPath, containerDir, containerRunDir } from './layout';

/**
 * Removes the launch's run dir, and its container directory unless the record was written after
 * all (then a caller still uses it; a CLI killed between the record and `go` leaves a created
 * container, as podman does).
 */
export function removeUnusedLaunchDirs(p: StorePaths, id: string): void {
  fs.rmSync(containerRunDir(p, id), { recursive: true, force: true });
  if (!fs.existsSync(containerConfigPath(p, id))) fs.rmSync(containerDir(p, id), { recursive: true, force: true });
}
