/**
 * The host side's share of a container cgroup's removal. The engine removes the cgroup when the
 * payload ends, but not always: an engine killed with SIGKILL removes nothing, and root of a
 * container's namespace (a subordinate id under --userns=keep-id) may not rmdir in a parent cgroup
 * whose owner is not mapped there. `rm` (as the user, on the host) removes what is left.
 */
import * as path from 'node:path';
import { containerCgroupPath, removeCgroup } from './apply';

/** Pure: whether `dir` is where the container `id`'s cgroup lives (a record is never trusted with more). */
export function isContainerCgroupDir(dir: string, id: string): boolean {
  return path.isAbsolute(dir) && path.basename(dir) === path.posix.basename(containerCgroupPath('/', id));
}

/**
 * Removes the container's cgroup if it is still there (an empty one: rmdir never removes a cgroup
 * with processes; a payload killed just before gets a moment to go). Returns why it failed, if it did.
 */
export async function removeLeftoverCgroup(id: string, dir: string | undefined): Promise<string | undefined> {
  if (dir === undefined || !isContainerCgroupDir(dir, id)) return undefined;
  try {
    await removeCgroup(dir);
    return undefined;
  } catch (err) {
    return `could not remove the cgroup ${dir}: ${(err as Error).message}`;
  }
}
