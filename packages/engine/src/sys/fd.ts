/**
 * koffi bindings for raw file descriptors: pipes with chosen flags and pipe sizes. Node creates
 * socketpairs for child stdio, but a payload's stdio should be real pipes (`echo x > /dev/stdout`
 * fails on a socket), so the engine makes its own.
 */
import { checkReturn as check, libcFunction as fn } from './ffi';

export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;

/** pipe2(2): returns [readEnd, writeEnd]. */
export function pipe2(flags: number = O_CLOEXEC): [number, number] {
  const fds = new Int32Array(2);
  check('pipe2', fn('int pipe2(_Out_ int *fds, int flags)')(fds, flags));
  return [fds[0] as number, fds[1] as number];
}

const F_SETPIPE_SZ = 1031;
/** Grows a pipe's buffer (so a writer can fill it before the reader exists). */
export function setPipeSize(fd: number, size: number): void {
  check('fcntl', fn('int fcntl(int fd, int cmd, int arg)')(fd, F_SETPIPE_SZ, size), 'F_SETPIPE_SZ');
}
