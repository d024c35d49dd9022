/**
 * A user mount as stored in the container record (config.json `mounts`): what `-v`, `--mount`,
 * `--tmpfs` and `--read-only` asked for, validated at create time. The engine turns these into
 * mounts inside the rootfs (runtime/engine/user-mounts.ts).
 */

export type MountType = 'bind' | 'volume' | 'tmpfs';

/**
 * Mount propagation of a bind or volume mount. Only the private and slave kinds exist: the engine's
 * mount namespace is private to the host (rootless), so nothing could propagate back anyway.
 */
export type Propagation = 'private' | 'rprivate' | 'slave' | 'rslave';
export const PROPAGATIONS: readonly Propagation[] = ['private', 'rprivate', 'slave', 'rslave'];

export interface TmpfsOptions {
  /** Kernel form: bytes, or a number with k, m, g or %. */
  readonly size?: string;
  /** Octal permission bits of the tmpfs root. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly nrInodes?: string;
}

export interface MountSpec {
  readonly type: MountType;
  /** bind: absolute host path; volume: the volume name; tmpfs: "tmpfs". */
  readonly source: string;
  /** Absolute, normalized container path. */
  readonly destination: string;
  readonly readOnly: boolean;
  /** undefined: the type's default (tmpfs: noexec, nosuid, nodev; binds: as the source). */
  readonly noexec?: boolean;
  readonly nosuid?: boolean;
  readonly nodev?: boolean;
  readonly propagation: Propagation;
  /** Bind sources are mounted recursively (rbind) unless `bind` / bind-nonrecursive asked otherwise. */
  readonly recursive: boolean;
  /** `U`: chown the source to the container's user (through the user namespace). */
  readonly chown: boolean;
  /** `O`: overlay with a throwaway upper on top of a bind source. */
  readonly overlay: boolean;
  /** Volume: do not copy the image's content into a new empty volume. */
  readonly noCopy: boolean;
  /** Volume: created for this container only (`-v /path`), removed by `rm -v` and `--rm`. */
  readonly anonymous: boolean;
  /** `z` / `Z` as given (SELinux relabeling: a documented no-op here). */
  readonly relabel?: 'z' | 'Z';
  readonly tmpfs?: TmpfsOptions;
  /** Added by --read-only (podman's --read-only-tmpfs), not asked for by a mount flag. */
  readonly implicit?: boolean;
}

/** Pure: the defaults every parser starts from. */
export function baseMount(type: MountType, source: string, destination: string): MountSpec {
  return { type, source, destination, readOnly: false, propagation: 'rprivate', recursive: true, chown: false, overlay: false, noCopy: false, anonymous: false };
}
