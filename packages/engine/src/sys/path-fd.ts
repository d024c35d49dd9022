/**
 * koffi bindings for walking paths without following symlinks: openat(2) with O_PATH|O_NOFOLLOW,
 * one component at a time, and fstatvfs(3) for the flags of the mount an fd is on. A mount onto
 * `/proc/self/fd/N` lands exactly on the checked directory, whatever happens to its path meanwhile.
 */
import { checkReturn as check, libcFunction as fn } from './ffi';

export const O_PATH = 0o10000000;
export const O_NOFOLLOW = 0o400000;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
export const AT_FDCWD = -100;

export function openat(dirfd: number, name: string, flags: number): number {
  return check('openat', fn('int openat(int dirfd, const char *path, int flags, int mode)')(dirfd, name, flags, 0), name);
}

/** statvfs f_flag bits (not the same numbers as MS_* for the atime flags). */
export const ST_RDONLY = 1;
export const ST_NOSUID = 2;
export const ST_NODEV = 4;
export const ST_NOEXEC = 8;
export const ST_NOATIME = 1024;
export const ST_NODIRATIME = 2048;
export const ST_RELATIME = 4096;

/** fstatvfs(3)'s f_flag (struct statvfs on 64-bit Linux: 112 bytes, f_flag at offset 72). */
export function fstatvfsFlags(fd: number): number {
  const buf = Buffer.alloc(128);
  check('fstatvfs', fn('int fstatvfs(int fd, _Out_ void *buf)')(fd, buf));
  return Number(buf.readBigUInt64LE(72));
}
