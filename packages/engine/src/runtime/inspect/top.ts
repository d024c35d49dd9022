/** `top`: the rows podman's `top` prints, for a running container. */
import { TsctrError } from '../../errors';
import type { ContainerRecord } from '../containers/records';
import { engineAlive } from '../containers/liveness';
import { readRootfsFile } from '../engine/safe-path';
import { parseGroup, parsePasswd } from '../policy/user';
import { containerProcesses } from './top-proc';
import { parseDescriptors, topRows, type Names } from './top-plan';

/** Names from the container's own /etc/passwd and /etc/group (read through PID 1's root, never following symlinks). */
function containerNames(pid1: number | undefined): Names {
  const root = `/proc/${pid1 ?? 0}/root`;
  const users = parsePasswd(pid1 ? readRootfsFile(root, '/etc/passwd') ?? null : null);
  const groups = parseGroup(pid1 ? readRootfsFile(root, '/etc/group') ?? null : null);
  return {
    user: (uid) => (uid === undefined ? '?' : users.find((u) => u.uid === uid)?.name ?? String(uid)),
    group: (gid) => (gid === undefined ? '?' : groups.find((g) => g.gid === gid)?.name ?? String(gid)),
  };
}

export function containerTop(record: ContainerRecord, descriptorWords: readonly string[]): string[][] {
  const descriptors = parseDescriptors(descriptorWords);
  const { config, state } = record;
  if (state.status !== 'running' || state.enginePid === undefined || !engineAlive(state)) {
    throw new TsctrError(`container ${config.name} is not running: top can only show a running container's processes`);
  }
  const processes = containerProcesses(state.enginePid, config.userns);
  return topRows(processes, descriptors, containerNames(state.pid));
}
