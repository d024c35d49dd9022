/**
 * koffi bindings for replacing the running process (Node 20 has no process.execve) and for the
 * close-on-exec flag of descriptors that must survive it.
 */
import { checkReturn as check, libcFunction as fn } from './ffi';

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/** Sets or clears FD_CLOEXEC on `fd`. */
export function setCloseOnExec(fd: number, on: boolean): void {
  const flags = check('fcntl', fn('int fcntl(int fd, int cmd, int arg)')(fd, F_GETFD, 0), `F_GETFD ${fd}`);
  check('fcntl', fn('int fcntl(int fd, int cmd, int arg)')(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC), `F_SETFD ${fd}`);
}

/** Sets close-on-exec on each fd that is still open (one closed meanwhile has nothing to protect). */
export function setCloseOnExecWhereOpen(fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      setCloseOnExec(fd, true);
    } catch {
      // closed already
    }
  }
}

/**
 * execve(2): replaces this process (same pid, same start time, same namespaces) with `file`.
 * Returns only by throwing. Every other thread of the process ends with it.
 */
export function execve(file: string, argv: readonly string[], env: Readonly<Record<string, string | undefined>>): never {
  const envp = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
  check('execve', fn('int execve(const char *path, const char **argv, const char **envp)')(file, [...argv, null], [...envp, null]), file);
  throw new Error(`execve ${file} returned`);
}
