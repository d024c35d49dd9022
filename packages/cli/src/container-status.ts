/** podman's words for a container's state: STATUS column of ps, State.Status of inspect. */
import type { ContainerState } from '@tsctr/engine/runtime/container-types';
import { formatAgo, humanDuration } from './output/human-duration';

/** "Up 3 seconds", "Exited (0) 2 seconds ago", "Created", "Stopping", "Removing". */
export function statusText(state: ContainerState, now: Date = new Date()): string {
  switch (state.status) {
    case 'created':
      return 'Created';
    case 'running':
      return state.startedAt ? `Up ${humanDuration(Math.max(0, now.getTime() - Date.parse(state.startedAt)))}` : 'Up';
    case 'stopping':
      return 'Stopping';
    case 'removing':
      return 'Removing';
    case 'exited':
      return `Exited (${state.exitCode ?? 0})${state.finishedAt ? ` ${formatAgo(new Date(state.finishedAt), now)}` : ''}`;
  }
}

/** State.Status in inspect and .State in `ps --format json`: created, running, stopping, exited, removing. */
export const stateName = (state: ContainerState): string => state.status;

/** The COMMAND column: argv joined, cut to 17 characters plus "..." unless --no-trunc. */
export function commandText(args: readonly string[], noTrunc: boolean): string {
  const text = args.join(' ');
  return noTrunc || text.length <= 20 ? text : `${text.slice(0, 17)}...`;
}
