/**
 * `run`'s early engine launch: the engine's process (a Node start of ~35 ms) starts as soon as the
 * flags are checked, with the id the record will get, and waits for the line `go` on its ready fd
 * while the CLI looks up the image and writes the record; releaseEarlyLaunch then lets it read the
 * record. Only for network modes whose launch needs nothing the record decides later (none, host,
 * slirp4netns, pasta); `container:` goes the usual way (launchContainer).
 */
import { hasLimits } from '../cgroups/limits';
import type { StorePaths } from '../storage/paths';
import type { ContainerConfig } from '../runtime/container-types';
import type { CreateRequest } from '../runtime/containers/create-plan';
import { newContainerId } from '../runtime/containers/ids';
import { abandonEngine, awaitEngineReady, releaseEngine, spawnEngine, type EngineNetworkLaunch, type EngineReadyEvent, type SpawnedEngine } from '../runtime/containers/launch-engine';
import { checkHostPortsFree } from './host-ports';
import { closeHelperPipes, connectNetworkHelper, engineHasHelperPipes, helperPipes, networkedEngineLaunch, type HelperPipes } from './launch-container';
import { networkKind, type NetworkKind } from './network-mode';

export interface EarlyLaunch {
  /** The id the container's record must get. */
  readonly id: string;
  readonly kind: NetworkKind;
  readonly attachWait: boolean;
  readonly engine: SpawnedEngine;
  readonly pipes?: HelperPipes;
}

/** Pure: the engine's namespaces for a network kind that can launch early, or undefined. */
export function earlyNetworkLaunch(kind: NetworkKind): Pick<EngineNetworkLaunch, 'unshare'> | 'helper' | undefined {
  if (kind === 'none') return { unshare: ['mnt', 'net', 'uts', 'ipc'] };
  if (kind === 'host') return { unshare: ['mnt', 'uts', 'ipc'] };
  if (kind === 'slirp4netns' || kind === 'pasta') return 'helper';
  return undefined;
}

/** Launches the engine for the container `request` will create, or returns undefined when it cannot go early. */
export async function launchEngineEarly(p: StorePaths, request: CreateRequest, opts: { attachWait: boolean }): Promise<EarlyLaunch | undefined> {
  const kind = networkKind(request.network);
  const how = earlyNetworkLaunch(kind);
  if (how === undefined) return undefined;
  const id = newContainerId();
  const target = {
    id,
    userns: request.userns.mappings,
    ...(request.resources !== undefined && hasLimits(request.resources) ? { resources: request.resources } : {}),
    ...(request.cgroups !== undefined ? { cgroups: request.cgroups } : {}),
  };
  if (how !== 'helper') {
    // No helper to wait for: an attached run without a terminal (whose size the attach brings) starts at once.
    const startHeld = opts.attachWait && !request.tty;
    return { id, kind, attachWait: opts.attachWait, engine: await spawnEngine(p, target, { attachWait: opts.attachWait, network: how, awaitGo: true, startHeld }) };
  }
  const pipes = helperPipes();
  try {
    // The helper joins the engine's network before the payload starts: the engine waits for an attach or start.
    return { id, kind, attachWait: opts.attachWait, pipes, engine: await spawnEngine(p, target, { attachWait: true, network: networkedEngineLaunch(pipes), awaitGo: true }) };
  } finally {
    engineHasHelperPipes(pipes);
  }
}

/**
 * The record of `config` is written: the engine goes on; then as launchContainer (the network
 * helper, the payload's start). undefined when the record's network is not the one launched for:
 * the caller then abandons the early launch and launches the usual way. On a failure it leaves
 * nothing running (like launchContainer).
 */
export async function releaseEarlyLaunch(p: StorePaths, early: EarlyLaunch, config: ContainerConfig): Promise<EngineReadyEvent | undefined> {
  if (networkKind(config.network) !== early.kind || config.id !== early.id) return undefined;
  if (!early.pipes) {
    releaseEngine(early.engine);
    return awaitEngineReady(early.engine);
  }
  try {
    await checkHostPortsFree(config.network.ports ?? []);
  } catch (err) {
    await abandonEarlyLaunch(p, early);
    throw err;
  }
  let launched;
  try {
    releaseEngine(early.engine);
    launched = await awaitEngineReady(early.engine);
  } catch (err) {
    closeHelperPipes(early.pipes);
    throw err;
  }
  return connectNetworkHelper(p, config, launched, early.pipes, { attachWait: early.attachWait });
}

/** The container was not created (or not as launched for): the waiting engine exits, its run dir and cgroup go. */
export async function abandonEarlyLaunch(p: StorePaths, early: EarlyLaunch): Promise<void> {
  if (early.pipes) closeHelperPipes(early.pipes);
  await abandonEngine(p, early.id, early.engine);
}
