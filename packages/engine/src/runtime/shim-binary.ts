/**
 * Where the tsctr-shim binary is, and the sealed in-memory copy that tsctr actually executes.
 *
 * Why a sealed memfd: a process inside a container can reach the binary that started it through
 * /proc/<pid>/exe and, if that is a file on disk, open it for writing and replace it, so that the
 * next container start runs the attacker's code outside the container (runc CVE-2019-5736). tsctr
 * runs the shim from a memfd sealed against writes, growth, shrinking and further seal changes:
 * /proc/<pid>/exe then names a file nobody can modify.
 */
import { closeSync, constants, copyFileSync, existsSync, openSync } from 'node:fs';
import { TsctrError } from '../errors';
import { shimBinaryFile } from '../install-layout';
import { F_ADD_SEALS, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, MFD_ALLOW_SEALING, MFD_CLOEXEC, fcntl, memfdCreate } from '../sys/libc';

/** packages/engine/native/build/tsctr-shim, seen from src/runtime or dist/runtime. */
export function shimBinaryPath(): string {
  const file = shimBinaryFile();
  if (!existsSync(file)) {
    throw new TsctrError(`the tsctr-shim binary is missing (${file}): build it with "npm run build" (or "make -C packages/engine/native")`);
  }
  return file;
}

let sealedPath: string | undefined;
let sealedFd: number | undefined;

/** The sealed copy's descriptor once sealedShimFd() made it (a monitor inherits it, monitor-handoff.ts). */
export function sealedShimDescriptor(): number | undefined {
  return sealedFd;
}

/** Uses an inherited sealed copy instead of making one (the monitor after the engine's execve). */
export function adoptSealedShimFd(fd: number): void {
  sealedFd = fd;
  sealedPath = `/proc/self/fd/${fd}`;
}

/**
 * Path (`/proc/self/fd/N`) of a sealed memfd holding the shim, created once per process. The fd is
 * close-on-exec (Node opens every fd with O_CLOEXEC): a spawned child resolves the path at execve,
 * before its fds are closed, and the program it runs does not inherit the fd.
 */
export function sealedShimFd(): string {
  if (sealedPath) return sealedPath;
  const fd = memfdCreate('tsctr-shim', MFD_CLOEXEC | MFD_ALLOW_SEALING);
  try {
    // A copy inside the kernel (copy_file_range/sendfile): no 800 KB buffer to fault in and copy twice.
    copyFileSync(shimBinaryPath(), `/proc/self/fd/${fd}`);
    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  // execve refuses a file that is open for writing (ETXTBSY): keep only a read-only descriptor.
  const readOnly = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY);
  closeSync(fd);
  sealedFd = readOnly;
  sealedPath = `/proc/self/fd/${readOnly}`;
  return sealedPath;
}
