/** Pure: mount(2) flags and data for the user mounts (binds, volumes, tmpfs). */
import { MS_BIND, MS_NOATIME, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT, MS_SLAVE } from '../../sys/libc';
import { ST_NOATIME, ST_NODEV, ST_NODIRATIME, ST_NOEXEC, ST_NOSUID, ST_RDONLY, ST_RELATIME } from '../../sys/path-fd';
import { TsctrError } from '../../errors';
import type { MountSpec, Propagation } from '../mounts/mount-spec';

export const MS_NODIRATIME = 0x800;
export const MS_RELATIME = 0x200000;

/** The flags a bind mount must keep when remounted in a user namespace (the kernel locks them). */
export function lockedFlags(statvfsFlags: number): number {
  const pairs: [number, number][] = [
    [ST_RDONLY, MS_RDONLY], [ST_NOSUID, MS_NOSUID], [ST_NODEV, MS_NODEV], [ST_NOEXEC, MS_NOEXEC],
    [ST_NOATIME, MS_NOATIME], [ST_NODIRATIME, MS_NODIRATIME], [ST_RELATIME, MS_RELATIME],
  ];
  return pairs.reduce((flags, [st, ms]) => (statvfsFlags & st ? flags | ms : flags), 0);
}

/** What the user asked for on top of the source's own flags (0: no remount needed). */
export function requestedBindFlags(m: MountSpec): number {
  return (m.readOnly ? MS_RDONLY : 0) | (m.noexec ? MS_NOEXEC : 0) | (m.nosuid ? MS_NOSUID : 0) | (m.nodev ? MS_NODEV : 0);
}

/** The remount of a bind: the requested flags plus every flag the source mount already has. */
export function bindRemountFlags(m: MountSpec, statvfsFlags: number): number {
  return MS_REMOUNT | MS_BIND | requestedBindFlags(m) | lockedFlags(statvfsFlags);
}

export function propagationFlags(p: Propagation): number {
  return (p.startsWith('r') ? MS_REC : 0) | (p.endsWith('slave') ? MS_SLAVE : MS_PRIVATE);
}

/** tmpfs: noexec, nosuid and nodev unless turned off (docker's and podman's defaults). */
export function tmpfsFlags(m: MountSpec): number {
  return (m.readOnly ? MS_RDONLY : 0) | (m.noexec === false ? 0 : MS_NOEXEC) | (m.nosuid === false ? 0 : MS_NOSUID) | (m.nodev === false ? 0 : MS_NODEV);
}

export function tmpfsData(m: MountSpec): string {
  const t = m.tmpfs ?? {};
  const parts = [
    ...(t.size !== undefined ? [`size=${t.size}`] : []),
    `mode=${(t.mode ?? 0o1777).toString(8)}`,
    ...(t.uid !== undefined ? [`uid=${t.uid}`] : []),
    ...(t.gid !== undefined ? [`gid=${t.gid}`] : []),
    ...(t.nrInodes !== undefined ? [`nr_inodes=${t.nrInodes}`] : []),
  ];
  return parts.join(',');
}

/** Overlay mount data for `:O`; absolute paths, which must not contain the option separators. */
export function overlayBindData(lower: string, upper: string, work: string): string {
  for (const dir of [lower, upper, work]) {
    if (/[,:\\]/.test(dir)) throw new TsctrError(`cannot overlay ${lower}: the path ${dir} contains ",", ":" or "\\", which overlay mount options cannot express`);
  }
  return `lowerdir=${lower},upperdir=${upper},workdir=${work},userxattr`;
}
