/**
 * What the lean monitor (monitor.ts) loads for state writes and the end of its container: the
 * state writer, the release, hiding and deletion of the container, the OOM check. Apart from
 * monitor-extras (exec, copy, resizes), so that a stop or an `rm -f` does not load those (~9 ms
 * instead of ~25 ms). Its own bundle in the installed tree (monitor-end.bundle.js).
 */
export { StateWriter } from './state-file';
export { deleteRemovedContainer, hideRemovedContainer, releaseContainer } from './container-end';
export { oomKilledIn } from '../../cgroups/engine-cgroup';
export { setCloseOnExecWhereOpen } from '../../sys/exec';
