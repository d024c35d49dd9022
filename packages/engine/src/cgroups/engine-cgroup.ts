/**
 * The engine's side of the container's cgroup (the CLI made it: container-cgroup.ts). Its own small
 * module: a container without a cgroup of its own (no delegation) never loads the cgroup code.
 */
import { fcntl, F_SETFD, FD_CLOEXEC } from '../sys/libc';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadApply = (): typeof import('./apply') => require('./apply');

/** The inherited fd must not reach anything the engine starts except the init. */
export function adoptCgroupFd(fd: number | undefined): number | undefined {
  if (fd !== undefined) fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

/** At the end: whether the kernel's OOM killer ended a process of the container. */
export function oomKilledIn(dir: string | undefined): boolean {
  return dir !== undefined && loadApply().readOomKills(dir) > 0;
}

/**
 * Last: the empty cgroup goes (best effort: the exited state keeps its path, and `rm` removes what
 * is left, as the user: cgroups/leftover-cgroup.ts).
 */
export async function removeContainerCgroup(dir: string | undefined): Promise<void> {
  if (dir === undefined) return;
  await loadApply().removeCgroup(dir).catch((err: Error) => console.error(`tsctr engine: removing the cgroup ${dir}: ${err.message} (tsctr rm removes it)`));
}
