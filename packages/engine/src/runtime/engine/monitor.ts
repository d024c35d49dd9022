/**
 * The lean monitor: what the engine becomes (execve, monitor-handoff.ts) once its container runs
 * and nobody is connected. Same control protocol and the same duties as the engine after start
 * (engine.ts): relay output to ctr.log and attached clients, serve attach/kill/stop/state/exec/
 * copy/resize, record the exit, unmount, remove a --rm container. At rest it holds only Node's
 * net/fs and these small modules; exec, copy and resizes load monitor-extras (koffi and the rest),
 * state writes and the end the smaller monitor-end, each on first use.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { StorePaths } from '../../storage/paths';
import { bundled } from '../../install-layout';
import { Frame, type ControlReply, type ControlRequest, type ExitReport } from '../control-protocol';
import type { ContainerConfig, ContainerState } from '../container-types';
import { containerConfigPath, controlSocketPath } from '../containers/layout';
import { ClientSessions } from './client-sessions';
import { ControlServer, type ControlClient, type ControlHandler } from './control-server';
import { LogClock, formatLogRecords, type LogStream } from './k8s-log';
import { inheritedFds, type MonitorHandoff } from './monitor-handoff';
import { signalNumber, stopSequence } from './signals';
import { LineSplitter, exitCodeOf, parseStatusLine } from './status-lines';
import { pipeRelay, ptyRelay, type PayloadStdio } from './stdio';

type Extras = typeof import('./monitor-extras');
type End = typeof import('./monitor-end');
type Relay = Omit<PayloadStdio, 'childFds' | 'closeChildEnds'>;

/** A module the monitor loads on first use: its own bundle when tsctr runs from bundles. */
function requireLibrary<T>(name: 'monitor-extras' | 'monitor-end'): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, bundled ? `${name}.bundle.js` : name)) as T;
}

/** How long output may still arrive after the payload's exit was reported (as the engine). */
const OUTPUT_DRAIN_MS = 2000;

export class Monitor implements ControlHandler {
  private readonly paths: StorePaths;
  private readonly config: ContainerConfig;
  private readonly server: ControlServer;
  private readonly stdio: Relay;
  private readonly sessions = new ClientSessions();
  private readonly logClock = new LogClock();
  private state: ContainerState;
  private extrasModule: Extras | undefined;
  private endModule: End | undefined;
  private execService: InstanceType<Extras['ExecService']> | undefined;
  private stateWriter: InstanceType<End['StateWriter']> | undefined;
  private exitReport: ExitReport | undefined;
  private finishing: Promise<void> | undefined;
  private outputsDone: Promise<unknown> = Promise.resolve();
  private readonly exited: Promise<ExitReport>;
  private resolveExited!: (report: ExitReport) => void;

  constructor(private readonly handoff: MonitorHandoff) {
    this.paths = { root: handoff.root, runRoot: handoff.runroot };
    this.config = JSON.parse(fs.readFileSync(containerConfigPath(this.paths, handoff.id), 'utf8')) as ContainerConfig;
    this.state = handoff.state;
    this.server = new ControlServer(controlSocketPath(this.paths, handoff.id), this);
    const { stdio } = handoff.fds;
    this.stdio = stdio.kind === 'pty' ? ptyRelay(stdio.master, (fd, rows, cols) => this.extras().setWindowSize(fd, rows, cols)) : pipeRelay(stdio);
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  run(): void {
    this.relayOutput();
    this.watchStatus();
    this.watchNetworkHelper();
    this.server.adopt(this.handoff.fds.listen);
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void this.shutdown());
  }

  /** monitor-extras, loaded once (its own bundle when tsctr runs from bundles). */
  private extras(): Extras {
    if (!this.extrasModule) {
      const loaded = requireLibrary<Extras>('monitor-extras');
      loaded.prepareExtras(inheritedFds(this.handoff.fds), this.handoff.fds.shim);
      this.extrasModule = loaded;
    }
    return this.extrasModule;
  }

  /** monitor-end, loaded once: state writes and the end of the container. */
  private end(): End {
    if (!this.endModule) {
      const loaded = requireLibrary<End>('monitor-end');
      // Nothing the end starts may hold the inherited descriptors.
      loaded.setCloseOnExecWhereOpen(inheritedFds(this.handoff.fds));
      this.endModule = loaded;
    }
    return this.endModule;
  }

  private execs(): InstanceType<Extras['ExecService']> {
    this.execService ??= new (this.extras().ExecService)(
      () => ({ config: this.config, rootfs: this.handoff.merged, pid: this.exitReport ? undefined : this.handoff.pid, ...(this.handoff.fds.cgroup !== undefined ? { cgroupFd: this.handoff.fds.cgroup } : {}) }),
      this.sessions,
    );
    return this.execService;
  }

  private writeState(next: ContainerState, final = false): Promise<void> {
    this.state = next;
    this.stateWriter ??= new (this.end().StateWriter)(this.paths, this.config.id, next, this.handoff.owner);
    return final ? this.stateWriter.writeFinal(next) : this.stateWriter.write(next);
  }

  private relayOutput(): void {
    this.outputsDone = Promise.all(
      this.stdio.outputs.map(({ stream, readable }) => new Promise<void>((resolve) => {
        readable.on('data', (chunk: Buffer) => this.output(stream, chunk));
        readable.on('end', () => resolve());
        readable.on('close', () => resolve());
      })),
    );
  }

  private output(stream: LogStream, chunk: Buffer): void {
    try {
      fs.writeSync(this.handoff.fds.log, formatLogRecords(stream, chunk, this.logClock.now()));
    } catch (err) {
      console.error(`tsctr monitor: writing the log failed: ${(err as Error).message}`);
    }
    this.server.broadcast(stream === 'stdout' ? Frame.Stdout : Frame.Stderr, chunk);
  }

  /** The init's status pipe: the payload's exit (its pid line went to the engine before). */
  private watchStatus(): void {
    const reader = new net.Socket({ fd: this.handoff.fds.status, readable: true, writable: false });
    const lines = new LineSplitter();
    const handle = (line: string): void => {
      const event = parseStatusLine(line);
      if (event && event.kind !== 'pid') this.payloadEnded({ exitCode: exitCodeOf(event), ...(event.kind === 'signal' ? { signal: event.signal } : {}) });
    };
    reader.on('data', (chunk: Buffer) => lines.push(chunk).forEach(handle));
    reader.on('error', () => undefined);
    reader.on('close', () => {
      lines.flush().forEach(handle);
      this.payloadEnded({ exitCode: 125, error: "the container's init process ended without reporting a status" });
    });
  }

  /** The network helper ended (killed, crashed): a container without its network is stopped. */
  private watchNetworkHelper(): void {
    const fd = this.handoff.fds.netAlive;
    if (fd === undefined) return;
    const alive = new net.Socket({ fd, readable: true, writable: false });
    let gone = false;
    const done = (): void => {
      if (gone || this.exitReport) return;
      gone = true;
      console.error('tsctr monitor: the network helper (slirp4netns/pasta) ended: stopping the container');
      void this.shutdown();
    };
    alive.on('data', () => undefined);
    alive.on('end', done);
    alive.on('close', done);
    alive.on('error', done);
  }

  private payloadEnded(report: ExitReport): void {
    if (this.exitReport) return;
    this.exitReport = report;
    this.resolveExited(report);
    this.finish().catch((err: Error) => {
      console.error(`tsctr monitor: ${err.stack ?? err.message}`);
      process.exit(125);
    });
  }

  /** As the engine's finish: record the exit, tell clients, unmount, remove with --rm, exit. */
  private finish(): Promise<void> {
    this.finishing ??= (async () => {
      const report = this.exitReport ?? { exitCode: 0 };
      await Promise.race([this.outputsDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS).unref())]);
      const end = this.end();
      const started = this.state.startedAt;
      await this.writeState(
        {
          status: 'exited',
          exitCode: report.exitCode,
          ...(started ? { startedAt: started } : {}),
          finishedAt: new Date().toISOString(),
          ...(report.error ? { error: report.error } : {}),
          ...(end.oomKilledIn(this.handoff.cgroupDir) ? { oomKilled: true } : {}),
          ...(this.handoff.cgroupDir !== undefined ? { cgroupPath: this.handoff.cgroupDir } : {}),
        },
        true,
      ).catch((err: Error) => console.error(`tsctr monitor: writing the final state: ${err.message}`));
      await this.execService?.settle(OUTPUT_DRAIN_MS);
      const removing = this.config.autoRemove === true;
      if (!removing) await this.server.finish(report);
      fs.closeSync(this.handoff.fds.log);
      await end.releaseContainer(this.paths, this.config, this.handoff.merged, this.handoff.cgroupDir);
      if (removing) {
        const leftover = await end.hideRemovedContainer(this.paths, this.config, 'monitor');
        await this.server.finish(report);
        end.deleteRemovedContainer(this.paths, this.config.id, leftover);
      }
      process.exit(0);
    })();
    return this.finishing;
  }

  private async shutdown(): Promise<void> {
    if (this.exitReport) return;
    await this.stop(this.config.stopTimeout);
  }

  private signal(sig: number): void {
    try {
      process.kill(this.handoff.pid, sig);
    } catch {
      // already gone: the exit status is on its way
    }
  }

  async stop(timeoutSeconds: number): Promise<ControlReply> {
    if (this.exitReport) return { ok: true, exitCode: this.exitReport.exitCode };
    if (this.state.status === 'running') await this.writeState({ ...this.state, status: 'stopping' });
    return stopSequence((sig) => this.signal(sig), this.config.stopSignal, timeoutSeconds, this.exited);
  }

  // ControlHandler (as the engine's)

  async request(client: ControlClient, request: ControlRequest): Promise<ControlReply> {
    switch (request.op) {
      case 'attach':
        setImmediate(() => this.attach(client, request.stdin));
        return { ok: true };
      case 'start':
        return { ok: true };
      case 'kill':
        if (this.exitReport) return { ok: false, error: 'the container is not running' };
        this.signal(signalNumber(request.signal));
        return { ok: true };
      case 'stop':
        return this.stop(typeof request.timeout === 'number' ? request.timeout : this.config.stopTimeout);
      case 'state':
        return { ok: true, state: this.state };
      case 'exec':
        return this.execs().open(client, request);
      case 'copy-out':
        return this.extras().serveCopyOut(client, this.handoff.merged, request.path, this.config.name);
      case 'copy-in':
        return this.extras().serveCopyIn(client, this.sessions, this.handoff.merged, request);
      default:
        return { ok: false, error: `unknown request "${(request as { op?: string }).op}"` };
    }
  }

  private attach(client: ControlClient, stdin: boolean): void {
    client.attached = true;
    client.stdin = stdin;
  }

  stdin(client: ControlClient, data: Buffer): void {
    const session = this.sessions.of(client);
    if (session) session.stdin(data);
    else this.stdio.writeStdin(data);
  }

  stdinEof(client: ControlClient): void {
    const session = this.sessions.of(client);
    if (session) session.stdinEof();
    else this.stdio.endStdin();
  }

  resize(rows: number, cols: number, client: ControlClient): void {
    const session = this.sessions.of(client);
    if (session) return session.resize(rows, cols);
    try {
      this.stdio.resize(rows, cols);
    } catch {
      // the terminal is gone
    }
  }

  disconnected(client: ControlClient): void {
    this.sessions.disconnected(client);
  }
}
