/**
 * What the lean monitor (monitor.ts) loads only when it needs it: exec and copy sessions, terminal
 * resizes, state writes and the clean-up at the end. All of it uses koffi or large modules, which
 * a container at rest does without. In the installed tree this is its own bundle
 * (monitor-extras.bundle.js), required by the monitor on first use.
 */
import { setCloseOnExec } from '../../sys/exec';
import { oomKilledIn } from '../../cgroups/engine-cgroup';
import { adoptSealedShimFd } from '../shim-binary';

export { ExecService } from './exec-session';
export { serveCopyIn, serveCopyOut } from './copy-session';
export { setWindowSize } from '../../sys/pty';
export { StateWriter } from './state-file';
export { deleteRemovedContainer, hideRemovedContainer, releaseContainer } from './container-end';
export { oomKilledIn };

/**
 * First call: the inherited descriptors go back to close-on-exec (nothing the monitor starts may
 * hold them) and exec sessions use the inherited sealed shim.
 */
export function prepareExtras(inherited: readonly number[], shimFd: number): void {
  for (const fd of inherited) {
    try {
      setCloseOnExec(fd, true);
    } catch {
      // closed already (an output pipe or the status pipe at their end): nothing to protect
    }
  }
  adoptSealedShimFd(shimFd);
}

