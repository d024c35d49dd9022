/**
 * The container record shared by the CLI (which creates it) and the per-container engine (which
 * runs it). `R/containers/<id>/config.json` holds ContainerConfig (written once at create, changed
 * only by rename); `R/containers/<id>/state.json` holds ContainerState (written by the CLI at create
 * and by the engine afterwards, always atomically).
 */
import type { IdMapEntry } from './idmap';
import type { ContainerNetworkConfig } from '../network/types';
import type { MountSpec } from './mounts/mount-spec';
import type { ContainerCgroupSettings, ResourceLimits } from '../cgroups/limits';

export type ContainerStatus = 'created' | 'running' | 'stopping' | 'exited' | 'removing';
export type StorageDriver = 'overlay' | 'fuse-overlayfs';

export interface ContainerImageRef {
  /** Image id (config digest hex). */
  readonly id: string;
  /** The image name as resolved at create time, e.g. localhost:5000/busybox:latest. */
  readonly name: string;
  /** Layer chain ids, bottom first. */
  readonly layers: readonly string[];
}

export interface ContainerProcessSpec {
  /** Final argv (entrypoint + cmd combined like docker). */
  readonly args: readonly string[];
  /** KEY=VALUE, image env first, then --env-file, then -e. */
  readonly env: readonly string[];
  readonly cwd: string;
  /** User spec as given (-u or image User): "name", "uid", "name:group", "uid:gid"; "" means root. */
  readonly user: string;
  readonly groupAdd: readonly string[];
  readonly terminal: boolean;
  /** -i: keep stdin open. */
  readonly stdin: boolean;
}

export interface ContainerSecuritySpec {
  readonly privileged: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** 'default', 'unconfined', or the parsed profile JSON text from --security-opt seccomp=FILE. */
  readonly seccomp: { readonly kind: 'default' | 'unconfined' } | { readonly kind: 'file'; readonly path: string; readonly profile: string };
  readonly noNewPrivileges: boolean;
  readonly readOnly: boolean;
}

export interface ContainerUserNamespace {
  readonly mode: 'default' | 'keep-id' | 'custom';
  readonly uidMap: readonly IdMapEntry[];
  readonly gidMap: readonly IdMapEntry[];
}

export interface ContainerConfig {
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly created: string;
  readonly image: ContainerImageRef;
  readonly process: ContainerProcessSpec;
  /** What docker/podman inspect shows under Config. */
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname: string;
  readonly stopSignal: string;
  /** Seconds. */
  readonly stopTimeout: number;
  readonly init: boolean;
  readonly autoRemove: boolean;
  readonly security: ContainerSecuritySpec;
  readonly userns: ContainerUserNamespace;
  readonly storageDriver: StorageDriver;
  readonly network: ContainerNetworkConfig;
  /** -v, --mount, --tmpfs and --read-only's tmpfs, parents first (absent in records older than volumes). */
  readonly mounts?: readonly MountSpec[];
  /** --memory, --cpus, --pids-limit, ... as asked (absent in older records: none); `update` changes them. */
  readonly resources?: ResourceLimits;
  /** --cgroups, --cgroup-parent (absent: enabled, below the user's own cgroup). */
  readonly cgroups?: ContainerCgroupSettings;
}

export interface ContainerState {
  readonly status: ContainerStatus;
  /** Host pid of the container's PID 1 while running. */
  readonly pid?: number;
  /** Host pid of the engine and its start time (from /proc/PID/stat field 22), to detect pid reuse. */
  readonly enginePid?: number;
  readonly engineStartTime?: string;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Engine error that ended the container (shown by inspect as State.Error). */
  readonly error?: string;
  /**
   * Absolute directory of the container's cgroup (none: no cgroup of its own). Kept after the exit:
   * `rm` removes the cgroup when the engine could not (a killed engine, ...).
   */
  readonly cgroupPath?: string;
}
