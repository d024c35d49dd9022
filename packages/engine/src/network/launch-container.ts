/**
 * Starting a container with its network (docs/architecture.md, "Networking"): the engine is
 * launched in its namespaces (new, the host's, or another container's), then, for slirp4netns and
 * pasta, the helper is started in the host's network namespace against the engine's and the ports
 * are published, and only then does the payload start. Nothing is left behind on a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsctrError } from '../errors';
import type { StorePaths } from '../storage/paths';
import type { ContainerConfig } from '../runtime/container-types';
import { requestEngine } from '../runtime/containers/control-client';
import { containerRunDir } from '../runtime/containers/layout';
import { awaitEngineReady, launchEngine, releaseEngine, type AttachChannel, type EngineNetworkLaunch, type EngineReadyEvent } from '../runtime/containers/launch-engine';
import { Frame, encodeFrame, type ControlRequest } from '../runtime/control-protocol';
import { abandonEarlyLaunch, type EarlyLaunch } from './early-launch';
import { engineAlive } from '../runtime/containers/liveness';
import { readContainerRecord, readContainerState } from '../runtime/containers/records';
import { sealedShimFd } from '../runtime/shim-binary';
import { checkHostPortsFree } from './host-ports';
import { HELPER_EXIT_FD, HELPER_READY_FD, killQuietly, startHelper, type HelperSpawn } from './helper-process';
import { containerNetworkTarget, networkKind, parseSlirpOptions } from './network-mode';
import { closeHelperPipes, engineHasHelperPipes, helperPipes, networkedEngineLaunch, type HelperPipes } from './helper-pipes';
import { pastaArgv } from './pasta';
import { addHostForwards, SLIRP_API_SOCKET, slirpArgv } from './slirp4netns';

/** The helper's stdout/stderr, next to the control socket. */
export const helperLogPath = (p: StorePaths, id: string): string => path.join(containerRunDir(p, id), 'network.log');

const sameMap = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `container:ID`: the other container's engine namespaces, which it must be running to lend. */
async function joinedNamespaces(p: StorePaths, config: ContainerConfig, targetId: string): Promise<EngineNetworkLaunch> {
  const target = await readContainerRecord(p, targetId);
  if (!target) throw new TsctrError(`container ${config.name} joins the network of container ${targetId}, which no longer exists: recreate it with another --network`);
  const { state } = target;
  if (state.enginePid === undefined || !engineAlive(state) || (state.status !== 'running' && state.status !== 'created')) {
    throw new TsctrError(`container ${config.name} joins the network of container ${target.config.name}, which is not running: start ${target.config.name} first`);
  }
  if (!sameMap(target.config.userns.uidMap, config.userns.uidMap) || !sameMap(target.config.userns.gidMap, config.userns.gidMap)) {
    throw new TsctrError(`container ${config.name} cannot join the network of ${target.config.name}: their user namespace mappings differ (--userns/--uidmap); give both the same mapping`);
  }
  const ns = `/proc/${state.enginePid}/ns`;
  return { unshare: ['mnt', 'uts', 'ipc'], join: { userns: `${ns}/user`, netns: `${ns}/net` } };
}

function helperSpawn(p: StorePaths, config: ContainerConfig, enginePid: number): HelperSpawn {
  const cwd = containerRunDir(p, config.id);
  const logFile = helperLogPath(p, config.id);
  const ports = config.network.ports ?? [];
  if (networkKind(config.network) === 'pasta') {
    const pasta = pastaArgv(enginePid, ports, `/proc/self/fd/${HELPER_READY_FD}`, config.network.options);
    return { name: 'pasta', file: sealedShimFd(), argv0: 'tsctr-shim', args: ['tie', '--exit-fd', String(HELPER_EXIT_FD), '--', ...pasta], cwd, logFile };
  }
  const [file, ...args] = slirpArgv(enginePid, parseSlirpOptions(config.network.options), { exitFd: HELPER_EXIT_FD, readyFd: HELPER_READY_FD });
  return { name: 'slirp4netns', file: file as string, args, cwd, logFile };
}

async function stopEngine(p: StorePaths, id: string, enginePid: number): Promise<void> {
  killQuietly(enginePid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    const state = await readContainerState(p, id).catch(() => undefined);
    if (!state || !engineAlive({ ...state, enginePid })) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  killQuietly(enginePid, 'SIGKILL');
}

/**
 * Launches the container's engine with its network and starts the payload, or (with `attachWait`)
 * leaves it to the first attach. Same contract as launchEngine.
 */
export async function launchContainer(p: StorePaths, config: ContainerConfig, opts: { attachWait: boolean }): Promise<EngineReadyEvent> {
  const kind = networkKind(config.network);
  if (kind === 'none') return launchEngine(p, config, opts);
  if (kind === 'host') return launchEngine(p, config, { ...opts, network: { unshare: ['mnt', 'uts', 'ipc'] } });
  if (kind === 'container') return launchEngine(p, config, { ...opts, network: await joinedNamespaces(p, config, containerNetworkTarget(config.network) as string) });

  // Before anything runs: a port in use is the likeliest failure and deserves a clear message.
  await checkHostPortsFree(config.network.ports ?? []);
  const pipes = helperPipes();
  let launched: (EngineReadyEvent & { enginePid: number }) | undefined;
  try {
    launched = await launchEngine(p, config, { attachWait: true, network: networkedEngineLaunch(pipes) });
  } catch (err) {
    closeHelperPipes(pipes);
    throw err;
  } finally {
    engineHasHelperPipes(pipes);
  }
  return connectNetworkHelper(p, config, launched.enginePid, Promise.resolve(launched), pipes, opts);
}

/**
 * Starts the helper against the engine's network namespace (it exists once the engine's launch
 * succeeded) while the engine gets ready, then publishes the ports and starts the payload unless
 * `attachWait`. Stops the engine and the helper on a failure; the engine's own error wins over
 * the helper's (which then only saw the engine go).
 */
export async function connectNetworkHelper(p: StorePaths, config: ContainerConfig, enginePid: number, engineReady: Promise<EngineReadyEvent>, pipes: HelperPipes, opts: { attachWait: boolean }): Promise<EngineReadyEvent> {
  const ports = config.network.ports ?? [];
  // Awaited below; a rejection before that is no unhandled one.
  engineReady.catch(() => undefined);
  let helperPid: number | undefined;
  try {
    const spec = helperSpawn(p, config, enginePid);
    fs.mkdirSync(spec.cwd, { recursive: true, mode: 0o700 });
    const helper = startHelper(spec, pipes).then((pid) => {
      helperPid = pid;
    });
    const [engine, started] = await Promise.allSettled([engineReady, helper]);
    if (engine.status === 'rejected') throw engine.reason;
    if (started.status === 'rejected') throw started.reason;
    const launched = engine.value;
    if (networkKind(config.network) === 'slirp4netns' && ports.length > 0) await addHostForwards(path.join(spec.cwd, SLIRP_API_SOCKET), ports, parseSlirpOptions(config.network.options));
    if (opts.attachWait) return launched;
    await requestEngine(p, config.id, { op: 'start' });
    const state = await readContainerState(p, config.id);
    return { event: 'started', pid: state?.pid ?? 0 };
  } catch (err) {
    if (helperPid !== undefined) killQuietly(helperPid);
    await stopEngine(p, config.id, enginePid);
    throw err;
  } finally {
    closeHelperPipes(pipes);
  }
}

/**
 * The record of `config` is written: the engine goes on; then as launchContainer (the network
 * helper, the payload's start). undefined when the record's network is not the one launched for:
 * the caller then abandons the early launch and launches the usual way. On a failure it leaves
 * nothing running (like launchContainer). `attach`: the CLI will attach; a --start-held engine
 * gets the attach request behind `go` and the result's `channel` is that connection.
 */
export async function releaseEarlyLaunch(p: StorePaths, early: EarlyLaunch, config: ContainerConfig, attach?: { stdin: boolean }): Promise<(EngineReadyEvent & { channel?: AttachChannel }) | undefined> {
  if (networkKind(config.network) !== early.kind || config.id !== early.id) return undefined;
  if (!early.pipes) {
    const request: ControlRequest | undefined = early.startHeld && attach ? { op: 'attach', stdin: attach.stdin } : undefined;
    releaseEngine(early.engine, request && encodeFrame(Frame.Request, request));
    return awaitEngineReady(early.engine, { keepChannel: request !== undefined });
  }
  try {
    await checkHostPortsFree(config.network.ports ?? []);
  } catch (err) {
    await abandonEarlyLaunch(p, early);
    throw err;
  }
  // A launch that succeeded has a pid (awaitEngineReady reports it the same way).
  const enginePid = early.engine.child.pid as number;
  try {
    releaseEngine(early.engine);
  } catch (err) {
    closeHelperPipes(early.pipes);
    throw err;
  }
  // The helper starts while the engine mounts and opens its socket (its launch made the namespaces).
  return connectNetworkHelper(p, config, enginePid, awaitEngineReady(early.engine), early.pipes, { attachWait: early.attachWait });
}
