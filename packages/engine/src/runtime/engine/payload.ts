/**
 * Spawns the shim's `init` (the container's relay + PID 1) and turns what it reports on its status
 * and error fds into events. The shim runs from the sealed memfd copy (see shim-binary.ts).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { pipe2, setPipeSize } from '../../sys/fd';
import { posixSpawn, waitForChild } from '../../sys/spawn';
import { LineSplitter, exitCodeOf, parseErrorLine, parseStatusLine, type StartFailure } from './status-lines';
import type { PayloadStdio } from './stdio';

/** The fd numbers the init sees; planInit puts them in the argv. */
export const INIT_FDS = { statusFd: 3, errorFd: 4, seccompFd: 5 } as const;
export const INIT_CGROUP_FD = 6;

export interface InitLaunch {
  /** Path of the shim binary to exec (the sealed memfd). */
  readonly shimPath: string;
  /** The shim's argv after the program name (`init --rootfs ... -- ARGV`). */
  readonly args: readonly string[];
  readonly seccomp: Buffer | null;
  /** The payload's command, for messages. */
  readonly command: string;
  /** The container's cgroup.procs (or cgroup directory), passed to the init as INIT_CGROUP_FD. */
  readonly cgroupFd?: number;
}

export interface PayloadEvents {
  /** The container's PID 1 is running (host pid). */
  onStarted(pid: number): void;
  /** The payload ended (code is 128+N for a signal). */
  onExited(exitCode: number, signal: number | undefined): void;
  /** The payload never ran: the shim reported a failure before exec (or could not be started). */
  onFailed(failure: StartFailure): void;
}

export interface RunningInit {
  readonly relayPid: number;
  /** Read end of the init's status pipe (for a monitor that takes over, monitor-handoff.ts). */
  readonly statusFd: number;
}

export function spawnInit(launch: InitLaunch, stdio: PayloadStdio, events: PayloadEvents): RunningInit {
  const [statusR, statusW] = pipe2();
  const [errorR, errorW] = pipe2();
  let seccompR: number | undefined;
  if (launch.seccomp) {
    const [r, w] = pipe2();
    // The whole program goes into the pipe before the reader exists: make sure it fits.
    if (launch.seccomp.length > 65536) setPipeSize(w, launch.seccomp.length);
    fs.writeSync(w, launch.seccomp);
    fs.closeSync(w);
    seccompR = r;
  }
  let relayPid: number;
  try {
    // posix_spawn (vfork-like), not Node's spawn, which forks the whole engine (sys/spawn.ts).
    relayPid = posixSpawn(launch.shimPath, ['tsctr-shim', ...launch.args], [], [...stdio.childFds, statusW, errorW, seccompR ?? -1, ...(launch.cgroupFd !== undefined ? [launch.cgroupFd] : [])]);
  } catch (err) {
    for (const fd of [statusR, errorR]) fs.closeSync(fd);
    const message = `could not start tsctr-shim init: ${(err as Error).message}`;
    // Reported after the caller has the RunningInit, as every other outcome is.
    queueMicrotask(() => events.onFailed({ exitCode: 125, message }));
    return { relayPid: -1, statusFd: -1 };
  } finally {
    for (const fd of [statusW, errorW, seccompR]) if (fd !== undefined) fs.closeSync(fd);
    stdio.closeChildEnds();
  }
  // Reaped once its status pipe closes (it exits right after): no polling while the container runs.
  let relayExited: ReturnType<typeof waitForChild> | undefined;
  const reapRelay = (): ReturnType<typeof waitForChild> => (relayExited ??= waitForChild(relayPid));
  // The error fd reaches EOF when the payload's execve succeeded (every copy is closed or
  // close-on-exec); a line on it instead means the payload never ran.
  const errorText: Buffer[] = [];
  let errorClosed = false;
  let pid: number | undefined;
  let startedReported = false;
  let ended = false;
  const maybeStarted = (): void => {
    if (startedReported || pid === undefined || !errorClosed || errorText.length > 0) return;
    startedReported = true;
    events.onStarted(pid);
  };
  const errorReader = new net.Socket({ fd: errorR, readable: true, writable: false });
  const errorDone = new Promise<void>((resolve) => {
    errorReader.on('data', (chunk: Buffer) => errorText.push(chunk));
    errorReader.on('close', () => {
      errorClosed = true;
      maybeStarted();
      resolve();
    });
    errorReader.on('error', () => undefined);
  });
  const failureReported = (): StartFailure | undefined => parseErrorLine(Buffer.concat(errorText).toString('utf8'), launch.command);
  const statusReader = new net.Socket({ fd: statusR, readable: true, writable: false });
  const lines = new LineSplitter();
  const handle = (line: string): void => {
    const event = parseStatusLine(line);
    if (!event || ended) return;
    if (event.kind === 'pid') {
      pid = event.pid;
      maybeStarted();
      return;
    }
    ended = true;
    void errorDone.then(() => {
      const failure = failureReported();
      if (failure) {
        events.onFailed(failure);
        return;
      }
      maybeStarted();
      events.onExited(exitCodeOf(event), event.kind === 'signal' ? event.signal : undefined);
    });
  };
  statusReader.on('data', (chunk: Buffer) => lines.push(chunk).forEach(handle));
  statusReader.on('error', () => undefined);
  statusReader.on('close', () => {
    lines.flush().forEach(handle);
    const relay = reapRelay();
    if (ended) return;
    ended = true;
    // The relay died without reporting (killed, or could not run at all).
    void Promise.all([errorDone, relay]).then(([, status]) => {
      const why = status.signal !== null ? `signal ${status.signal}` : `exit status ${status.exitCode}`;
      events.onFailed(failureReported() ?? { exitCode: 125, message: `the container's init process ended without reporting a status (${why})` });
    });
  });
  return { relayPid, statusFd: statusR };
}
