/**
 * Pure: the mount tree the engine prepares inside the container's rootfs before the shim's init
 * pivots into it (/proc is mounted by init itself, in the container's PID namespace).
 * Targets are container paths; the applier resolves them with safe-path (no symlinks followed).
 */
import { MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_STRICTATIME } from '../../sys/libc';
import type { IdMapEntry } from '../idmap';

export type MountStep =
  | {
      readonly kind: 'mount';
      readonly target: string;
      readonly mountPoint: 'directory' | 'file';
      readonly source: string | null;
      readonly fstype: string | null;
      readonly flags: number;
      readonly data: string | null;
      /** Replace an image symlink or file at the target (generated files only). */
      readonly replace?: boolean;
    }
  | { readonly kind: 'mkdir'; readonly target: string }
  | { readonly kind: 'symlink'; readonly target: string; readonly linkTo: string }
  /** /sys: a fresh read-only sysfs (we own the netns); the applier falls back to a read-only rbind. */
  | { readonly kind: 'sysfs'; readonly target: string };

/** Host device nodes bind-mounted into the container's /dev. */
export const BIND_DEVICES: readonly string[] = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

const TTY_GID = 5;

/** True when container gid `gid` is mapped by `gidMap` (devpts refuses an unmapped gid=). */
export function gidMapped(gidMap: readonly IdMapEntry[], gid: number): boolean {
  return gidMap.some((e) => gid >= e.containerId && gid < e.containerId + e.size);
}

export function planDevMounts(gidMap: readonly IdMapEntry[]): MountStep[] {
  const ptsData = ['newinstance', 'ptmxmode=0666', 'mode=0620', ...(gidMapped(gidMap, TTY_GID) ? [`gid=${TTY_GID}`] : [])].join(',');
  return [
    { kind: 'mount', target: '/dev', mountPoint: 'directory', source: 'tmpfs', fstype: 'tmpfs', flags: MS_NOSUID | MS_STRICTATIME, data: 'mode=755,size=65536k' },
    ...BIND_DEVICES.map((name): MountStep => ({ kind: 'mount', target: `/dev/${name}`, mountPoint: 'file', source: `/dev/${name}`, fstype: null, flags: MS_BIND, data: null })),
    { kind: 'mount', target: '/dev/pts', mountPoint: 'directory', source: 'devpts', fstype: 'devpts', flags: MS_NOSUID | MS_NOEXEC, data: ptsData },
    { kind: 'symlink', target: '/dev/ptmx', linkTo: 'pts/ptmx' },
    { kind: 'mount', target: '/dev/shm', mountPoint: 'directory', source: 'shm', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: 'mode=1777,size=65536k' },
    { kind: 'mount', target: '/dev/mqueue', mountPoint: 'directory', source: 'mqueue', fstype: 'mqueue', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: null },
    { kind: 'symlink', target: '/dev/fd', linkTo: '/proc/self/fd' },
    { kind: 'symlink', target: '/dev/stdin', linkTo: '/proc/self/fd/0' },
    { kind: 'symlink', target: '/dev/stdout', linkTo: '/proc/self/fd/1' },
    { kind: 'symlink', target: '/dev/stderr', linkTo: '/proc/self/fd/2' },
  ];
}

export const SYSFS_FLAGS = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

/** Host paths of the generated files, by container path. */
export interface EtcFilePaths {
  readonly hosts: string;
  readonly hostname: string;
  readonly resolvConf: string;
}

export function planEtcMounts(files: EtcFilePaths): MountStep[] {
  const bind = (target: string, source: string): MountStep => ({ kind: 'mount', target, mountPoint: 'file', source, fstype: null, flags: MS_BIND, data: null, replace: true });
  return [bind('/etc/hosts', files.hosts), bind('/etc/hostname', files.hostname), bind('/etc/resolv.conf', files.resolvConf)];
}

/** The whole tree, in order: /proc mount point, /dev, /sys, the generated /etc files. */
export function planContainerMounts(gidMap: readonly IdMapEntry[], files: EtcFilePaths): MountStep[] {
  return [{ kind: 'mkdir', target: '/proc' }, ...planDevMounts(gidMap), { kind: 'sysfs', target: '/sys' }, ...planEtcMounts(files)];
}
