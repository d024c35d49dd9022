/**
 * `exec` on the control socket: a new process in the running container (docs/control-protocol.md).
 * The engine spawns `tsctr-shim exec --pid <PID 1>` from the sealed memfd with pipes or a pty of
 * the container's devpts, streams the process's output to the requesting client only, takes its
 * stdin and resizes from that client, and ends with an Exit frame carrying the exit code. The shim's
 * exec parent waits for the process (Node reaps the shim); orphans inside the container go to its init.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { type ChildProcess } from 'node:child_process';
import { childProcess } from '../../sys/child-process';
import { constants as osConstants } from 'node:os';
import { pipe2, setPipeSize } from '../../sys/fd';
import { Frame, type ControlReply, type ExecSpec, type ExitReport } from '../control-protocol';
import type { ContainerConfig } from '../container-types';
import { planExec } from '../policy/exec-plan';
import { sealedShimFd } from '../shim-binary';
import type { ClientSession, ClientSessions } from './client-sessions';
import type { ControlClient } from './control-server';
import { hostFacts } from './init-plan';
import { readRootfsFile } from './safe-path';
import { parseErrorLine, type StartFailure } from './status-lines';
import { createPipeStdio, createPtyStdio, type PayloadStdio } from './stdio';

/** The fd numbers the shim's exec sees. */
export const EXEC_FDS = { errorFd: 3, seccompFd: 4 } as const;
export const EXEC_CGROUP_FD = 5;

/** How long output may still arrive after the process ended (a background child may hold it open). */
const OUTPUT_DRAIN_MS = 2000;

export interface ExecTarget {
  readonly config: ContainerConfig;
  /** The engine's view of the container's root filesystem. */
  readonly rootfs: string;
  /** Host pid of the container's PID 1; undefined when it is not running. */
  readonly pid: number | undefined;
  /** The container's cgroup (cgroup.procs or its directory), when it has one. */
  readonly cgroupFd?: number;
}

export class ExecService {
  private readonly live = new Set<Promise<void>>();

  constructor(private readonly target: () => ExecTarget, private readonly sessions: ClientSessions) {}

  /** Whether any exec'd process still runs. */
  get busy(): boolean {
    return this.live.size > 0;
  }

  /** Starts the process; the reply says whether it runs (126/127/125 with a message if not). */
  open(client: ControlClient, spec: ExecSpec): Promise<ControlReply> {
    const { config, rootfs, pid, cgroupFd } = this.target();
    if (pid === undefined) return Promise.resolve({ ok: false, error: `container ${config.name} is not running`, exitCode: 125 });
    let stdio: PayloadStdio;
    let child: ChildProcess & { errorFd: number };
    const command = spec.argv[0] ?? '';
    try {
      const files = { passwd: readRootfsFile(rootfs, '/etc/passwd') ?? null, group: readRootfsFile(rootfs, '/etc/group') ?? null };
      const fds = cgroupFd !== undefined ? { ...EXEC_FDS, cgroupFd: EXEC_CGROUP_FD } : EXEC_FDS;
      const plan = planExec(config, spec, pid, files, process.arch, fds, hostFacts());
      stdio = spec.detach ? nullStdio() : spec.tty ? createPtyStdio(path.join(rootfs, 'dev', 'pts', 'ptmx')) : createPipeStdio(spec.stdin === true);
      child = spawnShimExec(plan.argv, plan.seccomp, stdio, cgroupFd);
    } catch (err) {
      return Promise.resolve({ ok: false, error: (err as Error).message, exitCode: 125 });
    }
    const session = new ExecSession(client, stdio, child, command, spec.detach === true);
    if (!spec.detach) {
      client.stdin = spec.stdin === true;
      this.sessions.add(client, session);
    }
    const ended = session.ended.finally(() => {
      this.live.delete(ended);
      if (!spec.detach) this.sessions.remove(client);
    });
    this.live.add(ended);
    return session.started;
  }

  /** Resolves when every exec'd process has ended, or after `ms` (the container is going away). */
  settle(ms: number): Promise<void> {
    return Promise.race([Promise.all(this.live).then(() => undefined), new Promise<void>((r) => setTimeout(r, ms).unref())]);
  }
}

function nullStdio(): PayloadStdio {
  const input = fs.openSync('/dev/null', fs.constants.O_RDONLY);
  const output = fs.openSync('/dev/null', fs.constants.O_WRONLY);
  return {
    childFds: [input, output, output],
    outputs: [],
    terminal: false,
    writeStdin: () => undefined,
    endStdin: () => undefined,
    resize: () => undefined,
    closeChildEnds: () => [input, output].forEach((fd) => fs.closeSync(fd)),
  };
}

/** Spawns the shim with stdio, the error fd's write end as fd 3, the seccomp program on fd 4, the cgroup on fd 5. */
function spawnShimExec(args: readonly string[], seccomp: Buffer | null, stdio: PayloadStdio, cgroupFd: number | undefined): ChildProcess & { errorFd: number } {
  const [errorR, errorW] = pipe2();
  let seccompR: number | undefined;
  if (seccomp) {
    const [r, w] = pipe2();
    if (seccomp.length > 65536) setPipeSize(w, seccomp.length);
    fs.writeSync(w, seccomp);
    fs.closeSync(w);
    seccompR = r;
  }
  try {
    const child = childProcess().spawn(sealedShimFd(), [...args], { argv0: 'tsctr-shim', stdio: [...stdio.childFds, errorW, seccompR ?? 'ignore', ...(cgroupFd !== undefined ? [cgroupFd] : [])], env: {} });
    return Object.assign(child, { errorFd: errorR });
  } catch (err) {
    fs.closeSync(errorR);
    throw err;
  } finally {
    for (const fd of [errorW, seccompR]) if (fd !== undefined) fs.closeSync(fd);
    stdio.closeChildEnds();
  }
}

class ExecSession implements ClientSession {
  /** Resolves with the reply: ok once the process's execve succeeded. */
  readonly started: Promise<ControlReply>;
  /** Resolves when the process ended and the client was told. */
  readonly ended: Promise<void>;
  private readonly outputsDone: Promise<unknown>;

  constructor(
    private readonly client: ControlClient,
    private readonly stdio: PayloadStdio,
    child: ChildProcess & { errorFd: number },
    command: string,
    private readonly detached: boolean,
  ) {
    this.outputsDone = Promise.all(stdio.outputs.map(({ stream, readable }) => new Promise<void>((resolve) => {
      readable.on('data', (chunk: Buffer) => {
        if (!this.detached) client.send(stream === 'stdout' ? Frame.Stdout : Frame.Stderr, chunk);
      });
      readable.on('end', () => resolve());
      readable.on('close', () => resolve());
      readable.on('error', () => resolve());
    })));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: 125, signal: null }));
    });
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const failure = readErrorFd(child.errorFd, command).then((f): StartFailure | undefined =>
      f ?? (spawnError ? { exitCode: 125, message: `could not start tsctr-shim exec: ${spawnError.message}` } : undefined));
    this.started = failure.then((f) => (f ? { ok: false, error: f.message, exitCode: f.exitCode } : { ok: true }));
    this.ended = Promise.all([failure, exited]).then(async ([f, how]) => {
      if (f) {
        this.close();
        return;
      }
      await Promise.race([this.outputsDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS).unref())]);
      const report: ExitReport = how.signal
        ? { exitCode: 128 + (osConstants.signals[how.signal] ?? 0), signal: osConstants.signals[how.signal] }
        : { exitCode: how.code ?? 125 };
      if (!this.detached) {
        this.client.send(Frame.Exit, report);
        this.client.end();
      }
      this.close();
    });
  }

  private close(): void {
    for (const { readable } of this.stdio.outputs) readable.destroy();
    this.stdio.endStdin();
  }

  stdin(data: Buffer): void {
    this.stdio.writeStdin(data);
  }

  stdinEof(): void {
    this.stdio.endStdin();
  }

  resize(rows: number, cols: number): void {
    try {
      this.stdio.resize(rows, cols);
    } catch {
      // the terminal is gone
    }
  }

  /** The client went away: stdin ends; a terminal is hung up (its master closed), as when a terminal window closes. */
  disconnected(): void {
    this.stdio.endStdin();
    if (this.stdio.terminal) for (const { readable } of this.stdio.outputs) readable.destroy();
  }
}

/** The error fd reaches EOF when the process's execve succeeded; a `<code> <message>` line means it never ran. */
function readErrorFd(fd: number, command: string): Promise<StartFailure | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const reader = new net.Socket({ fd, readable: true, writable: false });
    reader.on('data', (chunk: Buffer) => chunks.push(chunk));
    reader.on('error', () => undefined);
    reader.on('close', () => resolve(parseErrorLine(Buffer.concat(chunks).toString('utf8'), command)));
  });
}
