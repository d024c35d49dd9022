/**
 * The shim `exec` argv for a new process in a running container (docs/shim-protocol.md, exec):
 * the container's own policy (user, capabilities, seccomp, no_new_privs) with the exec request's
 * user, environment, working directory and --privileged applied on top. Pure.
 */
import { TsctrError } from '../../errors';
import type { ContainerConfig } from '../container-types';
import type { ExecSpec } from '../control-protocol';
import { planProcessPolicy, policyArgs, type HostFacts, type ImageUserFiles } from './init-plan';

export interface ExecFds {
  readonly errorFd: number;
  readonly seccompFd: number;
  /** The container's cgroup, when it has one: the process joins it. */
  readonly cgroupFd?: number;
}

export interface ExecPlan {
  /** The shim's argv after the shim path: `exec --pid N --error-fd N ... -- ARGV`. */
  readonly argv: string[];
  readonly seccomp: Buffer | null;
}

/** Pure: KEY=VALUE lists merged by key, later entries winning, first-appearance order kept. */
export function mergeEnv(...lists: readonly (readonly string[])[]): string[] {
  const merged = new Map<string, string>();
  for (const list of lists) {
    for (const entry of list) {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new TsctrError(`invalid environment variable "${entry}": expected KEY=VALUE with a non-empty KEY`);
      merged.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return [...merged].map(([k, v]) => `${k}=${v}`);
}

/** The container config as the exec'd process sees it: request overrides applied. */
export function execProcessConfig(config: ContainerConfig, spec: ExecSpec): ContainerConfig {
  if (spec.argv.length === 0) throw new TsctrError('exec needs a command to run in the container');
  if (spec.workdir !== undefined && !spec.workdir.startsWith('/')) {
    throw new TsctrError(`the working directory "${spec.workdir}" is invalid: it needs to be an absolute path`);
  }
  const termDefault = spec.tty && !config.process.env.some((e) => e.startsWith('TERM=')) ? ['TERM=xterm'] : [];
  const env = mergeEnv(config.process.env, termDefault, spec.env ?? []);
  return {
    ...config,
    process: {
      ...config.process,
      args: spec.argv,
      env,
      cwd: spec.workdir ?? config.process.cwd,
      user: spec.user ?? config.process.user,
      terminal: spec.tty === true,
      stdin: spec.stdin === true,
    },
    security: { ...config.security, privileged: config.security.privileged || spec.privileged === true },
  };
}

/**
 * Everything `tsctr-shim exec` needs to start `spec` in the container whose PID 1 has host pid
 * `pid`. Bad input (unknown user, relative workdir) -> TsctrError.
 */
export function planExec(config: ContainerConfig, spec: ExecSpec, pid: number, files: ImageUserFiles, hostArch: string, fds: ExecFds, host: HostFacts = {}): ExecPlan {
  const execConfig = execProcessConfig(config, spec);
  const policy = planProcessPolicy(execConfig, files, hostArch, host);
  const argv = ['exec', '--pid', String(pid), '--error-fd', String(fds.errorFd)];
  if (spec.tty) argv.push('--tty');
  argv.push(...policyArgs(policy, { seccompFd: fds.seccompFd, ...(fds.cgroupFd !== undefined ? { cgroupFd: fds.cgroupFd } : {}) }), '--', ...spec.argv);
  return { argv, seccomp: policy.seccompProgram };
}
