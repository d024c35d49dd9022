/**
 * What the lean monitor (monitor.ts) loads for state writes and the end of its container: the
 * state writer, the release, hiding and deletion of the container, the OOM check. Apart from
 * monitor-extras (exec, copy, resizes), so that a stop or an `rm -f` does not load those (~9 ms
 * instead of ~25 ms). Its own bundle in the installed tree (monitor-end.bundle.js).
 */
import { setCloseOnExec } from '../../sys/exec';

export { StateWriter } from './state-file';
export { deleteRemovedContainer, hideRemovedContainer, releaseContainer } from './container-end';
export { oomKilledIn } from '../../cgroups/engine-cgroup';

/** First call: the inherited descriptors go back to close-on-exec (nothing the end starts may hold them). */
export function closeInheritedOnExec(inherited: readonly number[]): void {
  for (const fd of inherited) {
    try {
      setCloseOnExec(fd, true);
    } catch {
      // closed already (an output pipe or the status pipe at their end): nothing to protect
    }
  }
}
