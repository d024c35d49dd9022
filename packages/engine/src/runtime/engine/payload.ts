/**
 * Spawns the shim's `init` (the container's relay + PID 1) and turns what it reports on its status
 * and error fds into events. The shim runs from the sealed memfd copy (see shim-binary.ts).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { pipe2, setPipeSize } from '../../sys/fd';
import { LineSplitter, exitCodeOf, parseErrorLine, parseStatusLine, type StartFailure } from './status-lines';
import type { PayloadStdio } from './stdio';

/** The fd numbers the init sees; planInit puts them in the argv. */
export const INIT_FDS = { statusFd: 3, errorFd: 4, seccompFd: 5 } as const;

export interface InitLaunch {
  /** Path of the shim binary to exec (the sealed memfd). */
  readonly shimPath: string;
  /** The shim's argv after the program name (`init --rootfs ... -- ARGV`). */
  readonly args: readonly string[];
  readonly seccomp: Buffer | null;
  /** The payload's command, for messages. */
  readonly command: string;
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
  let child;
  try {
    child = spawn(launch.shimPath, [...launch.args], {
      argv0: 'tsctr-shim',
      stdio: [...stdio.childFds, statusW, errorW, seccompR ?? 'ignore'],
      env: {},
    });
  } finally {
    for (const fd of [statusW, errorW, seccompR]) if (fd !== undefined) fs.closeSync(fd);
    stdio.closeChildEnds();
  }
  const errorText: Buffer[] = [];
  let failure: StartFailure | undefined;
  let ended = false;
  const errorReader = new net.Socket({ fd: errorR, readable: true, writable: false });
  const errorDone = new Promise<void>((resolve) => {
    errorReader.on('data', (chunk: Buffer) => errorText.push(chunk));
    errorReader.on('close', () => resolve());
    errorReader.on('error', () => resolve());
  });
  const statusReader = new net.Socket({ fd: statusR, readable: true, writable: false });
  const lines = new LineSplitter();
  const handle = (line: string): void => {
    const event = parseStatusLine(line);
    if (!event || ended) return;
    if (event.kind === 'pid') {
      events.onStarted(event.pid);
      return;
    }
    ended = true;
    // An exit before exec comes with a line on the error fd: that is a start failure, not an exit.
    void errorDone.then(() => {
      failure = parseErrorLine(Buffer.concat(errorText).toString('utf8'), launch.command);
      if (failure) events.onFailed(failure);
      else events.onExited(exitCodeOf(event), event.kind === 'signal' ? event.signal : undefined);
    });
  };
  statusReader.on('data', (chunk: Buffer) => lines.push(chunk).forEach(handle));
  statusReader.on('error', () => undefined);
  statusReader.on('close', () => {
    lines.flush().forEach(handle);
    if (ended) return;
    ended = true;
    // The relay died without reporting (killed, or could not exec at all).
    void Promise.all([errorDone, new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))]).then(() => {
      const reported = parseErrorLine(Buffer.concat(errorText).toString('utf8'), launch.command);
      const why = child.signalCode ? `signal ${child.signalCode}` : `exit status ${child.exitCode}`;
      events.onFailed(reported ?? { exitCode: 125, message: `the container's init process ended without reporting a status (${why})` });
    });
  });
  child.on('error', (err) => {
    if (ended) return;
    ended = true;
    events.onFailed({ exitCode: 125, message: `could not start tsctr-shim init: ${err.message}` });
  });
  return { relayPid: child.pid ?? -1 };
}
