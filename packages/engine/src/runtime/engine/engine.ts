/**
 * The per-container engine (podman's conmon role): prepares the container's mount tree in its own
 * namespaces, starts the shim's init, relays stdio to the log and to attached clients, serves the
 * control socket, records the exit and cleans up. One process per container; no timers at rest.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { trace } from '../../trace';
import { bundled } from '../../install-layout';
import { kill, mount, MS_PRIVATE, MS_REC, sethostname } from '../../sys/libc';
import { setLinkUp } from '../../sys/net';
import type { StorePaths } from '../../storage/paths';
import { Frame, type ControlReply, type ControlRequest, type ExitReport } from '../control-protocol';
import type { ContainerConfig, ContainerState } from '../container-types';
import { containerDir, containerLogPath, containerUserdataDir, controlSocketPath } from '../containers/layout';
import { readContainerFilesSync } from '../containers/records';
import { sealedShimDescriptor, sealedShimFd } from '../shim-binary';
import { adoptCgroupFd, oomKilledIn } from '../../cgroups/engine-cgroup';
import { applyMountPlan, remountReadOnly } from './apply-mounts';
import { deleteRemovedContainer, hideRemovedContainer, releaseContainer } from './container-end';
import { generatedMountsToApply, splitAroundUserMounts } from './user-mount-order';
import type { EngineArgs } from './args';
import { ControlServer, type ControlClient, type ControlHandler, type EarlyControl } from './control-server';
import { chooseRootfsDriver, type RootfsDriverChoice } from './rootfs-driver';
import { ClientSessions } from './client-sessions';
import type { ExecService } from './exec-session';
import { hostnameFile } from './etc-files';
import { etcInputs } from './network-etc';
import { linkNetworkHelper } from './network-helper-link';
import { planEtcContents } from '../../network/etc-plan';
import { networkKind } from '../../network/network-mode';
import { planContainerInit, type InitPlanResult } from './init-plan';
import { seccompCacheDir } from './seccomp-cache';
import { LogClock, formatLogRecords, type LogStream } from './k8s-log';
import { planContainerMounts, type EtcFilePaths } from './mount-plan';
import { spawnInit, type RunningInit } from './payload';
import { HANDOFF_IDLE_MS, LEAN_MONITOR_ENV, handOffToMonitor } from './monitor-handoff';
import { ReadyReporter } from './ready-fd';
import { mountRootfs } from './rootfs';
import { readRootfsFile } from './safe-path';
import { signalNumber, stopSequence } from './signals';
import { StateWriter, containerOwner, type FileOwner } from './state-file';
import type { StartFailure } from './status-lines';
import { createPipeStdio, createPtyStdio, relayUntilEnd, type PayloadStdio } from './stdio';

// cp's code, loaded at the first cp: its own bundle when tsctr runs from bundles (tar-stream and its
// helpers are a fifth of the engine's code).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadCopySession = (): typeof import('./copy-session') => require(path.join(__dirname, bundled ? 'copy-session.bundle.js' : 'copy-session'));
// The exec code (and its policy planning), at the first exec.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadExecSession = (): typeof import('./exec-session') => require('./exec-session');
// Binds, volumes and tmpfs mounts, for a container that has them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadUserMounts = (): typeof import('./user-mounts') => require('./user-mounts');

/** How long output may still arrive after the payload's exit was reported. */
const OUTPUT_DRAIN_MS = 2000;
/** How much --start-held output is read ahead of the first attach before the payload's pipes are left to fill. */
const HELD_OUTPUT_LIMIT = 4 * 1024 * 1024;
/** How long an exited --start-held payload waits for the client that launched it before it is cleaned up. */
const HELD_ATTACH_MS = 10_000;

export class Engine implements ControlHandler {
  private merged = '';
  private server: ControlServer | undefined;
  private stdio: PayloadStdio | undefined;
  private pid: number | undefined;
  private init: RunningInit | undefined;
  private handoffTimer: NodeJS.Timeout | undefined;
  private startPromise: Promise<ControlReply> | undefined;
  /** The init plan, made while the engine waits for its first client (or the error making it threw). */
  private initPlan: InitPlanResult | Error | undefined;
  /**
   * --start-held: output read before the first attach, for that client. Read at once (so the log has
   * it and a short payload's pipes reach their end early); past HELD_OUTPUT_LIMIT the reading pauses
   * and the payload's pipes fill instead.
   */
  private pendingOutput: { readonly stream: LogStream; readonly chunk: Buffer }[] | undefined;
  private pendingBytes = 0;
  /** Bytes the CLI sent behind `go` on the ready socket pair, read with it (see Engine.load). */
  private afterGo: Buffer | undefined;
  private earlyControl: EarlyControl | undefined;
  private readonly firstAttach: Promise<void>;
  private resolveFirstAttach!: () => void;
  private exitReport: ExitReport | undefined;
  private finishing: Promise<void> | undefined;
  private readonly exited: Promise<ExitReport>;
  private resolveExited!: (report: ExitReport) => void;
  private outputsDone: Promise<unknown> = Promise.resolve();
  private logFd: number | undefined;
  private readonly logClock = new LogClock();
  /** Exec and copy sessions: their clients' stdin and resizes go to them, not to the payload. */
  private readonly sessions = new ClientSessions();
  /** Made at the first exec: a container nobody execs into never loads the exec code. */
  private execService: ExecService | undefined;

  private constructor(
    private readonly args: EngineArgs,
    private readonly paths: StorePaths,
    private readonly config: ContainerConfig,
    private readonly state: StateWriter,
    private readonly ready: ReadyReporter,
    private readonly owner: FileOwner,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.firstAttach = new Promise((resolve) => (this.resolveFirstAttach = resolve));
  }

  /**
   * Reads the record; the engine is then ready to run(). `afterGo`: what the CLI sent behind `go`
   * on the ready fd (a --start-held run's attach request); `control`: the control socket when the
   * engine bound it before `go` (engine-main.ts).
   */
  static async load(args: EngineArgs, ready: ReadyReporter, afterGo?: Buffer, control?: EarlyControl): Promise<Engine> {
    const paths: StorePaths = { root: args.root, runRoot: args.runroot };
    const { config, state } = readContainerFilesSync(paths, args.id);
    if (!config) throw new TsctrError(`container ${args.id} has no config.json in ${containerDir(paths, args.id)}`);
    const initial = state ?? { status: 'created' as const };
    const owner = containerOwner(paths, args.id);
    const engine = new Engine(args, paths, config, new StateWriter(paths, args.id, initial, owner), ready, owner);
    engine.afterGo = afterGo;
    engine.earlyControl = control;
    return engine;
  }

  /** Mount tree, hostname, loopback, log file and control socket; then start or wait for a client. */
  async run(): Promise<void> {
    trace('engine-loaded');
    // First: nothing started below (fuse-overlayfs, init) may inherit the helper's pipes.
    linkNetworkHelper(this.args, () => this.networkHelperGone());
    adoptCgroupFd(this.args.cgroupFd);
    mount(null, '/', null, MS_REC | MS_PRIVATE, null);
    this.merged = mountRootfs({ ...this.rootfsDriver(), root: this.paths.root, layers: this.config.image.layers, containerDir: path.join('containers', this.config.id), volatile: this.config.autoRemove === true });
    const plan = splitAroundUserMounts(planContainerMounts(this.config.userns.gidMap, this.writeEtcFiles()));
    applyMountPlan(this.merged, plan.beforeUser);
    const userMounts = (this.config.mounts ?? []).length > 0 ? await loadUserMounts().applyUserMounts(this.merged, this.paths, this.config) : [];
    applyMountPlan(this.merged, generatedMountsToApply(plan.generated, userMounts));
    if (this.config.security.readOnly) remountReadOnly(this.merged);
    trace('engine-mounted');
    sethostname(this.config.hostname);
    if (networkKind(this.config.network) !== 'host') setLinkUp('lo');
    this.logFd = fs.openSync(containerLogPath(this.paths, this.config.id), fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
    fs.fchownSync(this.logFd, this.owner.uid, this.owner.gid);
    // --start-held: the payload starts now (its output kept for the first attach); the init sets
    // itself up while this process opens the control socket.
    if (this.args.attachWait && this.args.startHeld) void this.start();
    const socketPath = controlSocketPath(this.paths, this.config.id);
    const early = this.earlyControl;
    this.server = early?.server ?? new ControlServer(socketPath);
    this.server.serve(this);
    await (early?.listening ?? this.server.listen());
    for (const file of [path.dirname(socketPath), socketPath]) fs.chownSync(file, this.owner.uid, this.owner.gid);
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void this.shutdown());
    if (this.args.attachWait) {
      // The engine's pid goes into the state right behind the report (the StateWriter keeps its
      // writes in order, so the running state still comes after it): the CLI is told sooner.
      const recorded = this.state.write(this.state.current);
      if (this.args.startHeld) {
        // The CLI goes on using the ready socket pair as its attach connection: it sent the attach
        // request right behind `go`, so it is served now, without a connect or the request's round trip.
        const fd = this.ready.reportAndKeep({ event: 'listening' });
        if (fd !== undefined) {
          const socket = new net.Socket({ fd, readable: true, writable: true });
          if (this.afterGo && this.afterGo.length > 0) socket.unshift(this.afterGo);
          this.server.adoptConnection(socket);
        }
      } else {
        this.ready.report({ event: 'listening' });
      }
      trace('engine-listening');
      await recorded;
      // While the CLI connects, the attach's start then only has to spawn.
      if (!this.args.startHeld) setImmediate(() => this.planInit());
      return;
    }
    const reply = await this.start();
    if (reply.ok && this.pid !== undefined) this.ready.report({ event: 'started', pid: this.pid });
    else this.ready.report({ event: 'error', message: reply.error ?? 'the container did not start', exitCode: reply.exitCode ?? 125 });
    this.scheduleHandoff();
  }

  /** A running container nobody is connected to gets the lean monitor (monitor-handoff.ts) after a short quiet time. */
  private scheduleHandoff(): void {
    if (process.env[LEAN_MONITOR_ENV] === '0') return;
    clearTimeout(this.handoffTimer);
    this.handoffTimer = setTimeout(() => this.handOffIfIdle(), HANDOFF_IDLE_MS);
  }

  private handOffIfIdle(): void {
    const listen = this.server?.listeningFd;
    const shim = sealedShimDescriptor();
    const stdio = this.stdio?.parentFds;
    if (this.exitReport || this.finishing || this.pid === undefined || !this.init || !stdio || this.logFd === undefined || listen === undefined || shim === undefined) return;
    if ((this.server?.clients.size ?? 0) > 0 || this.execService?.busy === true || this.pendingOutput) return;
    // Output read but not yet handled would be lost with this process: hand it on first.
    for (const { stream, readable } of this.stdio?.outputs ?? []) for (let chunk = readable.read() as Buffer | null; chunk !== null; chunk = readable.read() as Buffer | null) this.output(stream, chunk);
    const { cgroupFd, cgroupDir, netHoldFd, netAliveFd } = this.args;
    try {
      handOffToMonitor({
        root: this.paths.root, runroot: this.paths.runRoot, id: this.config.id, merged: this.merged, pid: this.pid, state: this.state.current, owner: this.owner,
        ...(cgroupDir !== undefined ? { cgroupDir } : {}),
        fds: { listen, status: this.init.statusFd, log: this.logFd, shim, stdio, ...(netHoldFd !== undefined ? { netHold: netHoldFd, netAlive: netAliveFd } : {}), ...(cgroupFd !== undefined ? { cgroup: cgroupFd } : {}) },
      });
    } catch (err) {
      console.error(`tsctr engine: staying the monitor, the hand-over failed: ${(err as Error).message}`);
    }
  }

  /**
   * The kernel's overlayfs cannot present other owners than the disk's in a rootless user
   * namespace, so a container whose mapping differs from the store's runs on fuse-overlayfs with
   * uidmapping/gidmapping (podman's approach).
   */
  private rootfsDriver(): RootfsDriverChoice {
    const choice = chooseRootfsDriver(this.paths, this.config, this.owner);
    if (choice.switchedToFuse) console.error('tsctr engine: the container\'s id mapping differs from the store\'s: using fuse-overlayfs to present image owners');
    return choice;
  }

  private writeEtcFiles(): EtcFilePaths {
    const dir = containerUserdataDir(this.paths, this.config.id);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files: EtcFilePaths = { hosts: path.join(dir, 'hosts'), hostname: path.join(dir, 'hostname'), resolvConf: path.join(dir, 'resolv.conf') };
    let hostResolv = '';
    try {
      hostResolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // no host resolver configuration: the container gets none either
    }
    const etc = planEtcContents(etcInputs(this.paths, this.config, hostResolv));
    fs.writeFileSync(files.hosts, etc.hosts, { mode: 0o644 });
    fs.writeFileSync(files.hostname, hostnameFile(this.config.hostname), { mode: 0o644 });
    fs.writeFileSync(files.resolvConf, etc.resolvConf, { mode: 0o644 });
    return files;
  }

  start(): Promise<ControlReply> {
    this.startPromise ??= this.startPayload();
    return this.startPromise;
  }

  private startPayload(): Promise<ControlReply> {
    trace('engine-start');
    const command = this.config.process.args[0] ?? '';
    return new Promise<ControlReply>((resolve) => {
      const failed = (failure: StartFailure): void => {
        resolve({ ok: false, error: failure.message, exitCode: failure.exitCode });
        this.payloadEnded({ exitCode: failure.exitCode, error: failure.message });
      };
      try {
        const plan = this.planInit();
        if (plan instanceof Error) throw plan;
        trace('engine-planned');
        this.stdio = this.config.process.terminal ? createPtyStdio(path.join(this.merged, 'dev', 'pts', 'ptmx')) : createPipeStdio(this.config.process.stdin);
        if (this.args.startHeld) this.pendingOutput = [];
        this.relayOutput(this.stdio);
        this.init = spawnInit({ shimPath: sealedShimFd(), args: plan.args, seccomp: plan.seccomp, command, ...(this.args.cgroupFd !== undefined ? { cgroupFd: this.args.cgroupFd } : {}) }, this.stdio, {
          onStarted: (pid) => {
            trace('engine-init-started');
            this.pid = pid;
            const startedAt = new Date().toISOString();
            void this.state.write({ status: 'running', pid, startedAt, ...(this.args.cgroupDir !== undefined ? { cgroupPath: this.args.cgroupDir } : {}) }).then(() => resolve({ ok: true }), (err: Error) => resolve({ ok: false, error: err.message, exitCode: 125 }));
          },
          onExited: (exitCode, signal) => this.payloadEnded({ exitCode, ...(signal !== undefined ? { signal } : {}) }),
          onFailed: failed,
        });
      } catch (err) {
        failed({ exitCode: err instanceof TsctrError && (err.exitCode === 126 || err.exitCode === 127) ? err.exitCode : 125, message: (err as Error).message });
      }
    });
  }

  private execs(): ExecService {
    const { ExecService: Service } = loadExecSession();
    this.execService ??= new Service(() => ({ config: this.config, rootfs: this.merged, pid: this.exitReport ? undefined : this.pid, ...(this.args.cgroupFd !== undefined ? { cgroupFd: this.args.cgroupFd } : {}) }), this.sessions);
    return this.execService;
  }

  /** The shim init's argv and seccomp program, made once (reads the image's passwd and group). */
  private planInit(): InitPlanResult | Error {
    if (this.initPlan === undefined) {
      try {
        const passwd = readRootfsFile(this.merged, '/etc/passwd') ?? null;
        const group = readRootfsFile(this.merged, '/etc/group') ?? null;
        // The cache only where the engine's files belong to the user (not with keep-id: its uid 0 is a subordinate id).
        const cache = this.owner.uid === 0 ? { seccompCacheDir: seccompCacheDir(this.paths) } : {};
        this.initPlan = planContainerInit(this.config, this.merged, { passwd, group }, { cgroup: this.args.cgroupFd !== undefined, ...cache });
      } catch (err) {
        this.initPlan = err instanceof Error ? err : new Error(String(err));
      }
    }
    return this.initPlan;
  }

  /** The output kept for the first attach goes to `client`, and the output flows to every attached client from now on. */
  private releaseOutput(client: ControlClient | undefined): void {
    const pending = this.pendingOutput;
    if (!pending) return;
    this.pendingOutput = undefined;
    this.pendingBytes = 0;
    for (const { stream, chunk } of pending) client?.send(stream === 'stdout' ? Frame.Stdout : Frame.Stderr, chunk);
    for (const { readable } of this.stdio?.outputs ?? []) readable.resume();
  }

  private relayOutput(stdio: PayloadStdio): void {
    this.outputsDone = Promise.all(
      stdio.outputs.map(({ stream, readable }) => relayUntilEnd(readable, (chunk) => this.output(stream, chunk))),
    );
  }

  private output(stream: LogStream, chunk: Buffer): void {
    if (this.logFd !== undefined) {
      try {
        fs.writeSync(this.logFd, formatLogRecords(stream, chunk, this.logClock.now()));
      } catch (err) {
        console.error(`tsctr engine: writing the log failed: ${(err as Error).message}`);
      }
    }
    if (this.pendingOutput) {
      this.pendingOutput.push({ stream, chunk });
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > HELD_OUTPUT_LIMIT) for (const { readable } of this.stdio?.outputs ?? []) readable.pause();
      return;
    }
    this.server?.broadcast(stream === 'stdout' ? Frame.Stdout : Frame.Stderr, chunk);
  }

  private payloadEnded(report: ExitReport): void {
    if (this.exitReport) return;
    trace('engine-payload-ended');
    this.exitReport = report;
    this.resolveExited(report);
    void this.finish();
  }

  /** Records the exit, tells attached clients, unmounts, removes the container with --rm, exits. */
  private finish(): Promise<void> {
    this.finishing ??= (async () => {
      const report = this.exitReport ?? { exitCode: 0 };
      // With --rm the clients hear of the exit once the container is gone: `run --rm` has nothing left
      // to wait for. Its record goes, so its final state is only written if the removal fails.
      const removing = this.config.autoRemove && this.startPromise !== undefined;
      const started = this.state.current.startedAt;
      const finalState = (): ContainerState => ({
        status: 'exited',
        exitCode: report.exitCode,
        ...(started ? { startedAt: started } : {}),
        finishedAt: new Date().toISOString(),
        ...(report.error ? { error: report.error } : {}),
        ...(oomKilledIn(this.args.cgroupDir) ? { oomKilled: true } : {}),
        ...(this.args.cgroupDir !== undefined ? { cgroupPath: this.args.cgroupDir } : {}),
      });
      // --rm: the container goes while its client may still be on its way to attach (the payload of a
      // --start-held run often ends first); only the run dir, with the control socket, stays until the exit is told.
      let leftover: string | undefined;
      if (removing) {
        await releaseContainer(this.paths, this.config, this.merged, this.args.cgroupDir);
        try {
          leftover = await hideRemovedContainer(this.paths, this.config, 'engine');
        } catch (err) {
          console.error(`tsctr engine: --rm could not remove the container: ${(err as Error).message}`);
          await this.state.writeFinal(finalState()).catch(() => undefined);
        }
        trace('engine-removed');
      }
      // The client that launched a --start-held engine hears everything, exit included, even of a start that
      // failed (unless it is gone for good).
      if (this.args.startHeld) await Promise.race([this.firstAttach, new Promise((r) => setTimeout(r, HELD_ATTACH_MS).unref())]);
      // Nobody came for the kept output: it is in the log; reading goes on so the pipes can end.
      this.releaseOutput(undefined);
      await Promise.race([this.outputsDone, new Promise((r) => setTimeout(r, OUTPUT_DRAIN_MS).unref())]);
      trace('engine-drained');
      if (this.startPromise && !removing) await this.state.writeFinal(finalState());
      if (report.error) this.ready.report({ event: 'error', message: report.error, exitCode: report.exitCode });
      await this.execService?.settle(OUTPUT_DRAIN_MS);
      await this.server?.finish(report);
      if (this.logFd !== undefined) fs.closeSync(this.logFd);
      if (removing) deleteRemovedContainer(this.paths, this.config.id, leftover);
      else await releaseContainer(this.paths, this.config, this.merged, this.args.cgroupDir);
      trace('engine-finished');
      process.exit(0);
    })();
    return this.finishing;
  }

  /** The network helper ended (killed, crashed): a container without its network is stopped. */
  private networkHelperGone(): void {
    if (this.exitReport) return;
    console.error('tsctr engine: the network helper (slirp4netns/pasta) ended: stopping the container');
    void this.shutdown();
  }

  /** SIGTERM/SIGINT to the engine: stop the container first (nothing started: just clean up). */
  private async shutdown(): Promise<void> {
    if (this.pid === undefined || this.exitReport) {
      if (!this.startPromise) await this.finish();
      return;
    }
    await this.stop(this.config.stopTimeout);
  }

  private signal(sig: number): void {
    if (this.pid === undefined) return;
    try {
      kill(this.pid, sig);
    } catch {
      // already gone: the exit status is on its way
    }
  }

  async stop(timeoutSeconds: number): Promise<ControlReply> {
    if (this.pid === undefined || this.exitReport) return { ok: true, exitCode: this.exitReport?.exitCode };
    if (this.state.current.status === 'running') await this.state.write({ ...this.state.current, status: 'stopping' });
    return stopSequence((sig) => this.signal(sig), this.config.stopSignal, timeoutSeconds, this.exited);
  }

  // ControlHandler

  async request(client: ControlClient, request: ControlRequest): Promise<ControlReply> {
    switch (request.op) {
      case 'attach':
        setImmediate(() => this.attach(client, request.stdin));
        return { ok: true };
      case 'start': {
        const reply = await this.start();
        return reply.ok ? reply : { ...reply, ok: false };
      }
      case 'kill': {
        if (this.pid === undefined || this.exitReport) return { ok: false, error: 'the container is not running' };
        this.signal(signalNumber(request.signal));
        return { ok: true };
      }
      case 'stop':
        return this.stop(typeof request.timeout === 'number' ? request.timeout : this.config.stopTimeout);
      case 'state':
        return { ok: true, state: this.state.current };
      case 'exec':
        return this.execs().open(client, request);
      case 'copy-out':
        return loadCopySession().serveCopyOut(client, this.merged, request.path, this.config.name);
      case 'copy-in':
        return loadCopySession().serveCopyIn(client, this.sessions, this.merged, request);
      default:
        return { ok: false, error: `unknown request "${(request as { op?: string }).op}"` };
    }
  }

  private attach(client: ControlClient, stdin: boolean): void {
    client.attached = true;
    client.stdin = stdin;
    // Before the reply: the client writes output frames whenever they come, and the Exit frame
    // (finish() goes on at resolveFirstAttach) must not overtake them.
    this.releaseOutput(client);
    this.resolveFirstAttach();
    if (this.args.attachWait) void this.start();
  }

  stdin(client: ControlClient, data: Buffer): void {
    const session = this.sessions.of(client);
    if (session) session.stdin(data);
    else this.stdio?.writeStdin(data);
  }

  stdinEof(client: ControlClient): void {
    const session = this.sessions.of(client);
    if (session) session.stdinEof();
    else this.stdio?.endStdin();
  }

  resize(rows: number, cols: number, client: ControlClient): void {
    const session = this.sessions.of(client);
    if (session) return session.resize(rows, cols);
    try {
      this.stdio?.resize(rows, cols);
    } catch {
      // the terminal is gone
    }
  }

  disconnected(client: ControlClient): void {
    // an attached client: output simply stops going to it; a session learns its client is gone
    this.sessions.disconnected(client);
    if (this.startPromise) this.scheduleHandoff();
  }
}
