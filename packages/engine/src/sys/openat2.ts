/**
 * openat2(2) through koffi: opening a path relative to a directory with the kernel enforcing
 * that resolution stays inside it (RESOLVE_IN_ROOT treats the directory as "/", so absolute
 * symlinks and ".." cannot leave it; RESOLVE_BENEATH refuses to leave it). Linux >= 5.6.
 */
import { SysError } from '../errors';
import { lastErrno, libcFunction as fn } from './ffi';

/** The same number on every architecture (syscalls added after 5.1 are unified). */
const SYS_openat2 = 437;
const EAGAIN = 11;

export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const O_PATH = 0o10000000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;

/** Opens `path` below `dirfd` (struct open_how {u64 flags, mode, resolve}); retries EAGAIN (a concurrent rename). */
export function openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number {
  const how = Buffer.alloc(24);
  how.writeBigUInt64LE(BigInt(flags | O_CLOEXEC), 0);
  how.writeBigUInt64LE(BigInt(mode), 8);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  const call = fn('long syscall(long nr, int dirfd, const char *path, const void *how, size_t size)');
  for (let attempt = 0; ; attempt++) {
    const fd = call(SYS_openat2, dirfd, path, how, how.length);
    if (fd >= 0) return fd;
    const errno = lastErrno();
    if (errno !== EAGAIN || attempt >= 20) throw new SysError('openat2', errno, path);
  }
}
