/**
 * posix_spawn through koffi, for the engine's start of the container's init: Node's spawn forks the
 * whole engine (~3 ms for its ~80 MB), glibc's posix_spawn uses CLONE_VM|CLONE_VFORK (~0.3 ms).
 * The child is unknown to Node (no ChildProcess, no 'exit' event): waitForChild reaps it.
 */
import * as fs from 'node:fs';
import { SysError } from '../errors';
import { fcntl } from './libc';
import { libcFunction as fn } from './ffi';

const F_DUPFD_CLOEXEC = 1030;
/** Where the descriptors wait before the child's dup2s, clear of the numbers they go to. */
const FIRST_PARKED_FD = 100;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const WNOHANG = 1;
/** Sizes of glibc's posix_spawn_file_actions_t (80), posix_spawnattr_t (336) and sigset_t (128), with room. */
const OPAQUE_BYTES = 512;

/**
 * Starts `file` with `argv` (argv[0] included) and exactly `env`; child fd i is `fds[i]` (-1:
 * /dev/null). Every other descriptor of this process is close-on-exec (Node opens them so), and
 * the child starts with default signal dispositions and an empty signal mask. Returns its pid.
 */
export function posixSpawn(file: string, argv: readonly string[], env: readonly string[], fds: readonly number[]): number {
  const devNull = fds.includes(-1) ? fs.openSync('/dev/null', 'r+') : -1;
  // Parked above every target first, so that no dup2 overwrites a source still to be copied.
  const parked = fds.map((fd) => fcntl(fd === -1 ? devNull : fd, F_DUPFD_CLOEXEC, FIRST_PARKED_FD));
  const actions = Buffer.alloc(OPAQUE_BYTES);
  const attr = Buffer.alloc(OPAQUE_BYTES);
  try {
    check('posix_spawn_file_actions_init', fn('int posix_spawn_file_actions_init(void *fa)')(actions));
    parked.forEach((fd, target) => check('posix_spawn_file_actions_adddup2', fn('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)')(actions, fd, target)));
    const all = Buffer.alloc(OPAQUE_BYTES);
    const none = Buffer.alloc(OPAQUE_BYTES);
    fn('int sigfillset(void *set)')(all);
    fn('int sigemptyset(void *set)')(none);
    check('posix_spawnattr_init', fn('int posix_spawnattr_init(void *attr)')(attr));
    check('posix_spawnattr_setsigdefault', fn('int posix_spawnattr_setsigdefault(void *attr, void *set)')(attr, all));
    check('posix_spawnattr_setsigmask', fn('int posix_spawnattr_setsigmask(void *attr, void *set)')(attr, none));
    check('posix_spawnattr_setflags', fn('int posix_spawnattr_setflags(void *attr, short flags)')(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
    const pid = [0];
    check(`posix_spawn ${file}`, fn('int posix_spawn(_Out_ int *pid, const char *path, void *fa, void *attr, const char **argv, const char **envp)')(pid, file, actions, attr, [...argv, null], [...env, null]));
    return pid[0];
  } finally {
    fn('int posix_spawn_file_actions_destroy(void *fa)')(actions);
    fn('int posix_spawnattr_destroy(void *attr)')(attr);
    for (const fd of parked) fs.closeSync(fd);
    if (devNull !== -1) fs.closeSync(devNull);
  }
}

/** posix_spawn's functions return the error number itself. */
function check(what: string, rc: number): void {
  if (rc !== 0) throw new SysError(what, rc);
}

/** The exit status of a child from posixSpawn, once it has ended; reaps it (polls: Node knows nothing of it). */
export async function waitForChild(pid: number): Promise<{ exitCode: number | null; signal: number | null }> {
  const waitpid = fn('int waitpid(int pid, _Out_ int *status, int options)');
  let delay = 1;
  for (;;) {
    const status = [0];
    const rc = waitpid(pid, status, WNOHANG);
    if (rc === pid) {
      const s = status[0];
      return (s & 0x7f) === 0 ? { exitCode: (s >> 8) & 0xff, signal: null } : { exitCode: null, signal: s & 0x7f };
    }
    if (rc < 0) return { exitCode: null, signal: null }; // not our child (any more)
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}
