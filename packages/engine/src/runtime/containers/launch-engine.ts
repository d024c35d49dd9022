/**
 * Starts a container's engine: `tsctr-shim launch --sync-fd 3 --unshare mnt,net,uts,ipc -- node
 * engine-main.js --root R --runroot RR --id ID --ready-fd 4 [--attach-wait]` in a new user
 * namespace with the container's mappings, detached in its own session (it outlives the CLI),
 * stdin /dev/null, stdout and stderr appended to engine.log. Resolves when the engine reports on fd 4.
 */
import * as fs from 'node:fs';
import type { EngineChild } from '../../sys/raw-spawn';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { TsctrError } from '../../errors';
import { trace } from '../../trace';
import { entryPointPath } from '../../install-layout';
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig } from '../container-types';
import { discardCgroup, engineCgroupArgs, prepareContainerCgroup, releaseCgroupFd, withCgroupFd, type PreparedCgroup } from '../../cgroups/container-cgroup';
import { launchInUserNamespace, type Namespace } from '../userns';
import { containerDir, containerRunDir, engineLogPath } from './layout';
import { removeUnusedLaunchDirs } from './launch-dirs';

export const ENGINE_READY_FD = 4;

export type EngineReadyEvent =
  | { readonly event: 'listening' }
  | { readonly event: 'started'; readonly pid: number }
  | { readonly event: 'error'; readonly message: string; readonly exitCode?: number };

/** The engine's entry point (its bundle, or dist/runtime/engine/engine-main.js). */
export function engineMainPath(): string {
  return entryPointPath('engine-main');
}

/** The network helper's pipes, inherited by the engine (docs/architecture.md, "Networking"). */
export const ENGINE_NET_HOLD_FD = 5;
export const ENGINE_NET_ALIVE_FD = 6;

/** Pure: the engine's argv (the program run by the shim). */
export function engineArgv(p: StorePaths, id: string, attachWait: boolean, node = process.execPath, main = engineMainPath(), netFds = false): string[] {
  return [
    node, main, '--root', p.root, '--runroot', p.runRoot, '--id', id, '--ready-fd', String(ENGINE_READY_FD), ...(attachWait ? ['--attach-wait'] : []),
    ...(netFds ? ['--net-hold-fd', String(ENGINE_NET_HOLD_FD), '--net-alive-fd', String(ENGINE_NET_ALIVE_FD)] : []),
  ];
}

/** How the engine gets its network namespace, and the helper pipes it holds (see network/launch-container.ts). */
export interface EngineNetworkLaunch {
  /** Namespaces to unshare (without 'net' for --network host or a joined namespace). */
  readonly unshare: readonly Namespace[];
  readonly join?: { readonly userns: string; readonly netns: string };
  /** Write end of the helper's exit pipe and read end of its liveness pipe (become fds 5 and 6). */
  readonly fds?: { readonly hold: number; readonly alive: number };
}

/** Pure: the readiness line, or an error event when it is not one the contract allows. */
export function parseReadyLine(line: string): EngineReadyEvent {
  try {
    const value = JSON.parse(line) as Partial<EngineReadyEvent> & Record<string, unknown>;
    if (value.event === 'listening' || (value.event === 'started' && typeof value.pid === 'number')) return value as EngineReadyEvent;
    if (value.event === 'error') return { event: 'error', message: String(value.message ?? 'unknown error'), exitCode: typeof value.exitCode === 'number' ? value.exitCode : 125 };
  } catch {
    // fall through
  }
  return { event: 'error', message: `the engine reported "${line.slice(0, 200)}" instead of its readiness`, exitCode: 125 };
}

function lastLines(file: string, count: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  }
}

/** What the engine is launched with: the container's id, mappings and cgroup request (no record needed yet). */
export interface EngineLaunchTarget {
  readonly id: string;
  readonly userns: Pick<ContainerConfig['userns'], 'uidMap' | 'gidMap'>;
  readonly resources?: ContainerConfig['resources'];
  readonly cgroups?: ContainerConfig['cgroups'];
}

/** A launched engine whose readiness line has not been read yet. */
export interface SpawnedEngine {
  readonly child: EngineChild;
  readonly cgroup: PreparedCgroup | undefined;
  readonly logFile: string;
}

/**
 * Launches the engine in its namespaces. With `awaitGo` it waits (before reading the record) for
 * the line `go` on its ready fd (see releaseEngine), so it can start while the CLI still writes the record.
 * With `startHeld` (and attachWait) it starts the payload at once and holds its output until the first attach.
 */
export async function spawnEngine(p: StorePaths, target: EngineLaunchTarget, opts: { attachWait: boolean; network?: EngineNetworkLaunch; awaitGo?: boolean; startHeld?: boolean }): Promise<SpawnedEngine> {
  const network = opts.network ?? { unshare: ['mnt', 'net', 'uts', 'ipc'] };
  // Synchronous: nothing else is waiting here, and the thread pool's round trips cost ~2 ms each.
  fs.mkdirSync(containerRunDir(p, target.id), { recursive: true, mode: 0o700 });
  // Early (awaitGo), the record's directory, which holds engine.log, is not there yet.
  if (opts.awaitGo) fs.mkdirSync(containerDir(p, target.id), { recursive: true, mode: 0o700 });
  const logFile = engineLogPath(p, target.id);
  const log = fs.openSync(logFile, 'a', 0o600);
  let cgroup: PreparedCgroup | undefined;
  try {
    trace('cli-log-opened');
    cgroup = prepareContainerCgroup(target);
    trace('cli-cgroup-prepared');
    const child = await launchInUserNamespace({
      argv: [...engineArgv(p, target.id, opts.attachWait, undefined, undefined, network.fds !== undefined), ...(opts.awaitGo ? ['--await-go'] : []), ...(opts.startHeld ? ['--start-held'] : []), ...engineCgroupArgs(cgroup)],
      mappings: { uidMap: target.userns.uidMap, gidMap: target.userns.gidMap },
      unshare: network.unshare,
      ...(network.join ? { join: network.join } : {}),
      // detached: Node's spawn calls setsid() itself, so the shim's --setsid would fail with EPERM.
      detached: true,
      // Node starts while newuidmap/newgidmap run; the engine waits for its maps (engine-main.ts).
      ...(network.join ? {} : { execUnmapped: true }),
      stdio: withCgroupFd(['ignore', log, log, undefined, 'pipe', ...(network.fds ? [network.fds.hold, network.fds.alive] : [])], cgroup),
    });
    trace('cli-engine-spawned');
    return { child, cgroup, logFile };
  } catch (err) {
    await discardCgroup(cgroup);
    removeUnusedLaunchDirs(p, target.id);
    throw err;
  } finally {
    fs.closeSync(log);
    releaseCgroupFd(cgroup);
  }
}

/**
 * Lets an engine launched with `awaitGo` go on: its record is written. `then` goes right behind
 * the line (a --start-held run's attach request, see awaitEngineReady).
 */
export function releaseEngine(engine: SpawnedEngine, then?: Buffer): void {
  (engine.child.stdio[ENGINE_READY_FD] as Writable).write(then ? Buffer.concat([Buffer.from('go\n'), then]) : 'go\n');
}

/**
 * An engine launched with `awaitGo` whose container was not created (it was never released): it is
 * killed, having done nothing yet but start, and its run dir and cgroup go.
 */
export async function abandonEngine(p: StorePaths, id: string, engine: SpawnedEngine): Promise<void> {
  const ready = engine.child.stdio[ENGINE_READY_FD] as Readable;
  const exited = new Promise<void>((resolve) => {
    if (engine.child.exitCode !== null || engine.child.signalCode !== null) resolve();
    else engine.child.once('exit', () => resolve());
  });
  ready.destroy();
  // Without the kill it would exit by itself at EOF on its ready fd, but only once its Node has started.
  engine.child.kill('SIGKILL');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  engine.child.unref();
  await discardCgroup(engine.cgroup);
  removeUnusedLaunchDirs(p, id);
}

/** The ready socket pair of a --start-held engine, kept as the CLI's attach connection, and what followed the line. */
export interface AttachChannel {
  readonly socket: Socket;
  readonly rest: Buffer;
}

/**
 * Waits for the engine's readiness line (see launchEngine). With `keepChannel` (a --start-held
 * launch whose CLI sent its attach request behind `go`) a `listening` engine's socket pair is
 * handed back as `channel` instead of being closed.
 */
export async function awaitEngineReady(engine: SpawnedEngine, opts: { keepChannel?: boolean } = {}): Promise<EngineReadyEvent & { enginePid: number; channel?: AttachChannel }> {
  const { child, cgroup, logFile } = engine;
  const ready = child.stdio[ENGINE_READY_FD] as Socket;
  let rest = Buffer.alloc(0);
  const line = await new Promise<string | undefined>((resolve) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const nl = received.indexOf(0x0a);
      if (nl < 0) return;
      ready.removeListener('data', onData);
      ready.pause();
      rest = received.subarray(nl + 1);
      resolve(received.subarray(0, nl).toString('utf8'));
    };
    ready.on('data', onData);
    ready.once('close', () => resolve(received.length === 0 ? undefined : received.toString('utf8')));
    ready.once('error', () => resolve(undefined));
  });
  const keep = opts.keepChannel === true && line !== undefined && parseReadyLine(line).event === 'listening';
  if (!keep) ready.destroy();
  child.unref();
  if (line === undefined || parseReadyLine(line).event === 'error') await discardCgroup(cgroup);
  if (line === undefined) {
    const tail = lastLines(logFile, 5);
    throw new TsctrError(`the container engine exited before it was ready${tail ? `:\n${tail}` : ''}\n(see ${logFile})`);
  }
  const event = parseReadyLine(line);
  if (event.event === 'error') throw new TsctrError(event.message, event.exitCode ?? 125);
  return { ...event, enginePid: child.pid as number, ...(keep && { channel: { socket: ready, rest } }) };
}

/**
 * Launches the engine and waits for its readiness line. With `attachWait` the engine only listens
 * (event `listening`) and starts the payload at the first attach/start request. An `error` event
 * (or an engine that dies first) becomes a TsctrError carrying the engine's exit code.
 */
export async function launchEngine(p: StorePaths, config: ContainerConfig, opts: { attachWait: boolean; network?: EngineNetworkLaunch }): Promise<EngineReadyEvent & { enginePid: number }> {
  return awaitEngineReady(await spawnEngine(p, config, opts));
}
