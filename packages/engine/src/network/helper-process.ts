/**
 * Starting a network helper (slirp4netns, or pasta under `tsctr-shim tie`) in the host's network
 * namespace, detached from the CLI, and waiting until it reports that the container's interface is
 * configured. Its fds: 3 = read end of the exit pipe (only the engine writes), 4 = readiness pipe,
 * 5 = write end of the liveness pipe (only the helper holds it; the engine reads EOF when it ends).
 */
import { childProcess } from '../sys/child-process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { TsctrError } from '../errors';
import { pipe2 } from '../sys/fd';

export const HELPER_EXIT_FD = 3;
export const HELPER_READY_FD = 4;
export const HELPER_ALIVE_FD = 5;

/** How long a helper may take to configure the interface. */
const READY_TIMEOUT_MS = 30_000;

export interface HelperSpawn {
  /** For messages: slirp4netns or pasta. */
  readonly name: string;
  readonly file: string;
  readonly argv0?: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** stdout and stderr go here (appended). */
  readonly logFile: string;
}

export interface HelperPipes {
  readonly exitRead: number;
  readonly aliveWrite: number;
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.includes('syslog')).slice(-5).join('\n');
  } catch {
    return '';
  }
}

/**
 * Spawns the helper and resolves with its pid once it wrote to its ready fd. Rejects (after killing
 * it) when it exits or stays silent. The caller keeps ownership of `pipes` and closes them after.
 */
export async function startHelper(spec: HelperSpawn, pipes: HelperPipes): Promise<number> {
  const [readyRead, readyWrite] = pipe2();
  const log = fs.openSync(spec.logFile, 'a', 0o600);
  let child;
  try {
    child = childProcess().spawn(spec.file, [...spec.args], {
      argv0: spec.argv0 ?? spec.file,
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', log, log, pipes.exitRead, readyWrite, pipes.aliveWrite],
    });
  } finally {
    fs.closeSync(log);
    fs.closeSync(readyWrite);
  }
  const ready = new net.Socket({ fd: readyRead, readable: true, writable: false });
  const pid = child.pid;
  try {
    await new Promise<void>((resolve, reject) => {
      const failed = (why: string): void => {
        const detail = tail(spec.logFile);
        reject(new TsctrError(`${spec.name} ${why}${detail ? `:\n${detail}` : ''}\n(see ${spec.logFile})`));
      };
      const timer = setTimeout(() => failed(`did not configure the container's network within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
      ready.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        failed(`could not be started (${err.message}); install it (Debian: apt-get install ${spec.name === 'pasta' ? 'passt' : spec.name})`);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        failed(`exited before the network was ready (${signal ? `signal ${signal}` : `exit status ${code}`})`);
      });
    });
  } catch (err) {
    if (pid !== undefined) killQuietly(pid);
    throw err;
  } finally {
    ready.destroy();
    child.removeAllListeners('exit');
    child.unref();
  }
  return pid as number;
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
