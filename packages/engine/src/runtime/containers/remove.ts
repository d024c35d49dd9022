/**
 * Removing containers. Files a container created as a non-root user are owned by subordinate ids,
 * which the user cannot delete from the host: those trees are removed with `rm -rf` run inside a
 * user namespace with the default mapping (where every such id is mapped).
 */
import * as fs from 'node:fs';
import { TsctrError } from '../../errors';
import { errnoCode } from '../../errors';
import { withStoreLock } from '../../storage/lock';
import type { StorePaths } from '../../storage/paths';
import { removeLeftoverCgroup } from '../../cgroups/leftover-cgroup';
import { runInUserNamespace } from '../userns';
import { containerDir, containerRunDir } from './layout';
import { forceKill, hasLiveEngine } from './lifecycle';
import { engineAlive } from './liveness';
import { readContainerState, writeContainerState } from './records';
import { findContainer, listContainers, type ContainerRecord } from './store';

/** Removes a directory tree, falling back to `rm -rf` in a user namespace for subordinate-owned files. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await fs.promises.rm(dir, { recursive: true, force: true });
    return;
  } catch (err) {
    if (!['EACCES', 'EPERM', 'ENOTEMPTY'].includes(errnoCode(err) ?? '')) throw err;
  }
  const result = await runInUserNamespace(['rm', '-rf', '--', dir]);
  if (result.exitCode !== 0) throw new TsctrError(`cannot remove ${dir}: ${result.stderr.trim() || `rm exited with ${result.exitCode}`}`);
}

/**
 * Ends the container's PID 1 if it outlived its engine (it should die with it through PDEATHSIG;
 * this is the safety net). The pid is only trusted when its command line names this container, so
 * a reused pid is never signalled. Killing PID 1 of a PID namespace ends every process in it.
 */
export function killOrphanedPayload(id: string, pid: number | undefined): void {
  if (pid === undefined || pid <= 1) return;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.startsWith('tsctr-shim') || !cmdline.includes(id)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runningError(id: string): TsctrError {
  return new TsctrError(`cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper`);
}

/** Deletes a container that is not running: marks it removing (under the lock), then deletes its dirs. */
export async function deleteContainerFiles(p: StorePaths, id: string): Promise<void> {
  const cgroupPath = await withStoreLock(p, async () => {
    const state = await readContainerState(p, id).catch(() => undefined);
    if (state && hasLiveEngine(state)) throw runningError(id);
    if (state) await writeContainerState(p, id, { ...state, status: 'removing' });
    if (state && !engineAlive(state)) killOrphanedPayload(id, state.pid);
    return state?.cgroupPath;
  });
  await removeTree(containerRunDir(p, id));
  await removeTree(containerDir(p, id));
  // Last: a payload killed just above has had the longest time to leave its cgroup.
  const cgroupProblem = await removeLeftoverCgroup(id, cgroupPath);
  if (cgroupProblem) process.stderr.write(`tsctr: warning: ${cgroupProblem}\n`);
}

/**
 * `rm [-f] REF`: a running container is refused unless `force`, which kills it first. A record
 * that disappears meanwhile (an engine's --rm) counts as removed.
 */
export async function removeContainer(p: StorePaths, ref: string, opts: { force: boolean }): Promise<ContainerRecord> {
  const record = await findContainer(p, ref);
  if (hasLiveEngine(record.state)) {
    if (!opts.force) throw runningError(record.config.id);
    await forceKill(p, record);
  }
  await deleteContainerFiles(p, record.config.id);
  return record;
}

/** `container prune`: removes every container that is exited or created (without a live engine). */
export async function pruneContainers(p: StorePaths): Promise<string[]> {
  const removed: string[] = [];
  for (const r of await listContainers(p)) {
    if (hasLiveEngine(r.state) || r.state.status === 'running' || r.state.status === 'stopping') continue;
    try {
      await deleteContainerFiles(p, r.config.id);
      removed.push(r.config.id);
    } catch (err) {
      if (!(err instanceof TsctrError)) throw err;
    }
  }
  return removed;
}
