/**
 * The one planning entry point the engine calls to start a container: everything the shim's
 * `init` mode needs (docs/shim-protocol.md), computed from the container record and the image's
 * /etc/passwd and /etc/group. Pure: the caller supplies file texts and host facts.
 */
import { TsctrError } from '../../errors';
import type { ContainerConfig } from '../container-types';
import { capabilityMaskHex, planCapabilities, type CapabilitySets } from './capabilities';
import { planProtectedPaths } from './paths';
import { DEFAULT_PATH } from './process';
import { compileSeccompProfile, seccompArchOf } from './seccomp/compile';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp/default-profile';
import { parseSeccompProfile, type SeccompProfile } from './seccomp/profile';
import { resolveUser, withHomeDefault } from './user';

/** The image's account files as text; null when the image has none. */
export interface ImageUserFiles {
  readonly passwd: string | null;
  readonly group: string | null;
}

/** Facts about the host the engine runs on (all optional; defaults suit a modern kernel). */
export interface HostFacts {
  /** The engine's capability bounding set (CapBnd of /proc/self/status); default all. */
  readonly availableCapabilities?: bigint;
  /** `uname -r`, for seccomp rules with minKernel. */
  readonly kernelRelease?: string;
  /** Host /sys/devices/system/cpu/cpu*\/thermal_throttle directories, masked like podman. */
  readonly thermalThrottleDirs?: readonly string[];
  /** How the seccomp profile is compiled (default compileSeccompProfile; the engine's caches the result). */
  readonly seccompCompiler?: typeof compileSeccompProfile;
}

/** File descriptors and paths the engine decides. */
export interface InitLaunchFds {
  readonly rootfs: string;
  readonly statusFd: number;
  readonly errorFd: number;
  /** Where the engine will provide the seccomp program; used only when there is one. */
  readonly seccompFd: number;
  readonly cgroupFd?: number;
  /** Descriptors after stdio that the payload keeps (3 .. 3+keepFds-1). */
  readonly keepFds?: number;
  /** `RESOURCE=SOFT:HARD` as the shim takes them. */
  readonly rlimits?: readonly string[];
}

/** The process policy shared by `init` and `exec`. */
export interface ProcessPolicy {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
  readonly capabilities: CapabilitySets;
  readonly noNewPrivileges: boolean;
  /** Compiled `struct sock_filter[]`, or null for no filter (unconfined, or --privileged with the default). */
  readonly seccompProgram: Buffer | null;
  readonly cwd: string;
  /** The payload's complete environment (KEY=VALUE). */
  readonly env: readonly string[];
  readonly home: string;
}

export interface InitPlan extends ProcessPolicy {
  /** The shim's argv after the shim path: `init --rootfs ... -- ARGV...`. */
  readonly argv: string[];
  readonly masked: readonly string[];
  readonly readonly: readonly string[];
}

function seccompProfileFor(config: ContainerConfig): SeccompProfile | null {
  const { seccomp, privileged } = config.security;
  if (seccomp.kind === 'unconfined') return null;
  if (seccomp.kind === 'file') return parseSeccompProfile(seccomp.profile, seccomp.path);
  // podman runs privileged containers without its default profile; an explicit file still applies.
  return privileged ? null : DEFAULT_SECCOMP_PROFILE;
}

/** uid, groups, capabilities, seccomp, cwd and env of a container process. */
export function planProcessPolicy(config: ContainerConfig, files: ImageUserFiles, hostArch: string, host: HostFacts = {}): ProcessPolicy {
  const user = resolveUser(config.process.user, config.process.groupAdd, files);
  const capabilities = planCapabilities({
    privileged: config.security.privileged,
    capAdd: config.security.capAdd,
    capDrop: config.security.capDrop,
    uid: user.uid,
    ...(host.availableCapabilities !== undefined ? { available: host.availableCapabilities } : {}),
  });
  const profile = seccompProfileFor(config);
  let seccompProgram: Buffer | null = null;
  if (profile) {
    const arch = seccompArchOf(hostArch);
    if (!arch) {
      throw new TsctrError(`seccomp: tsctr has no syscall table for the ${hostArch} architecture: run with --security-opt seccomp=unconfined`);
    }
    seccompProgram = (host.seccompCompiler ?? compileSeccompProfile)(profile, {
      arches: [arch],
      capabilities: capabilities.bounding,
      ...(host.kernelRelease !== undefined ? { kernelRelease: host.kernelRelease } : {}),
    });
  }
  let env = withHomeDefault(config.process.env, user.home);
  if (!env.some((entry) => entry.startsWith('PATH='))) env = [`PATH=${DEFAULT_PATH}`, ...env];
  return {
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    capabilities,
    noNewPrivileges: config.security.noNewPrivileges,
    seccompProgram,
    cwd: config.process.cwd || '/',
    env,
    home: user.home,
  };
}

/** The policy flags of the shim's `init` and `exec` modes (docs/shim-protocol.md), in its order. */
export function policyArgs(policy: ProcessPolicy, fds: { seccompFd: number; cgroupFd?: number; keepFds?: number; rlimits?: readonly string[] }): string[] {
  const args: string[] = [];
  if (fds.cgroupFd !== undefined) args.push('--cgroup-fd', String(fds.cgroupFd));
  for (const rlimit of fds.rlimits ?? []) args.push('--rlimit', rlimit);
  args.push('--uid', String(policy.uid), '--gid', String(policy.gid), '--groups', policy.additionalGids.join(','));
  const caps = policy.capabilities;
  args.push(
    '--cap-bounding', capabilityMaskHex(caps.bounding),
    '--cap-effective', capabilityMaskHex(caps.effective),
    '--cap-permitted', capabilityMaskHex(caps.permitted),
    '--cap-inheritable', capabilityMaskHex(caps.inheritable),
    '--cap-ambient', capabilityMaskHex(caps.ambient),
  );
  if (policy.noNewPrivileges) args.push('--no-new-privs');
  if (policy.seccompProgram) args.push('--seccomp-fd', String(fds.seccompFd));
  args.push('--cwd', policy.cwd);
  for (const entry of policy.env) args.push('--env', entry);
  if (fds.keepFds) args.push('--keep-fds', String(fds.keepFds));
  return args;
}

/**
 * cgroup2 on /sys/fs/cgroup, as podman does with a private cgroup namespace: only when the container
 * has a cgroup of its own (it is then the root of the mount), read-only unless --privileged.
 * Without one the read-only sysfs view stays (there is nothing of the container's to show).
 */
export function planCgroupMount(config: Pick<ContainerConfig, 'security'>, fds: Pick<InitLaunchFds, 'cgroupFd'>): 'ro' | 'rw' | undefined {
  if (fds.cgroupFd === undefined) return undefined;
  return config.security.privileged ? 'rw' : 'ro';
}

/**
 * Everything `tsctr-shim init` needs for `config`: its argv (after the shim path), the seccomp
 * program to write to `fds.seccompFd` (null: no filter, and no --seccomp-fd in argv), and the
 * decisions themselves for logging and inspect. `hostArch` is Node's `process.arch` (or
 * x86_64/aarch64). Bad input (unknown user, bad capability, bad seccomp file) -> TsctrError.
 */
export function planInit(config: ContainerConfig, files: ImageUserFiles, hostArch: string, fds: InitLaunchFds, host: HostFacts = {}): InitPlan {
  if (config.process.args.length === 0) throw new TsctrError(`container ${config.name} has no command to run`);
  const policy = planProcessPolicy(config, files, hostArch, host);
  const paths = planProtectedPaths({
    privileged: config.security.privileged,
    ...(host.thermalThrottleDirs !== undefined ? { thermalThrottleDirs: host.thermalThrottleDirs } : {}),
  });
  const argv = ['init', '--rootfs', fds.rootfs, '--status-fd', String(fds.statusFd), '--error-fd', String(fds.errorFd)];
  if (!config.init) argv.push('--no-init');
  if (config.process.terminal) argv.push('--tty');
  const cgroupMount = planCgroupMount(config, fds);
  if (cgroupMount) argv.push('--mount-cgroup', cgroupMount);
  for (const path of paths.masked) argv.push('--mask', path);
  for (const path of paths.readonly) argv.push('--readonly', path);
  argv.push(...policyArgs(policy, fds), '--', ...config.process.args);
  return { ...policy, argv, masked: paths.masked, readonly: paths.readonly };
}
