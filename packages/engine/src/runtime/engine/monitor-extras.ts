/**
 * What the lean monitor (monitor.ts) loads only when it needs it: exec and copy sessions and
 * terminal resizes. All of it uses koffi or large modules, which a container at rest does without.
 * In the installed tree this is its own bundle (monitor-extras.bundle.js), required by the monitor
 * on first use; state writes and the end come from monitor-end.
 */
import { adoptSealedShimFd } from '../shim-binary';
import { setCloseOnExecWhereOpen } from '../../sys/exec';

export { ExecService } from './exec-session';
export { serveCopyIn, serveCopyOut } from './copy-session';
export { setWindowSize } from '../../sys/pty';

/**
 * First call: the inherited descriptors go back to close-on-exec (nothing the monitor starts may
 * hold them) and exec sessions use the inherited sealed shim.
 */
export function prepareExtras(inherited: readonly number[], shimFd: number): void {
  setCloseOnExecWhereOpen(inherited);
  adoptSealedShimFd(shimFd);
}
