/**
 * The shim `init` argv and seccomp program for a container, from the policy planner.
 * TEMPORARY stand-in until runtime/policy exports planInit: no user/caps/seccomp policy yet.
 */
import type { ContainerConfig } from '../container-types';
import { INIT_FDS } from './payload';

export interface InitPlanResult {
  readonly args: string[];
  readonly seccomp: Buffer | null;
}

export function planContainerInit(config: ContainerConfig, rootfs: string, _files: { passwd: string; group: string }): InitPlanResult {
  const args = ['init', '--rootfs', rootfs, '--status-fd', String(INIT_FDS.statusFd), '--error-fd', String(INIT_FDS.errorFd)];
  if (!config.init) args.push('--no-init');
  if (config.process.terminal) args.push('--tty');
  for (const env of config.process.env) args.push('--env', env);
  args.push('--cwd', config.process.cwd || '/');
  args.push('--', ...config.process.args);
  return { args, seccomp: null };
}
