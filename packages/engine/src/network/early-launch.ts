/**
 * `run`'s early engine launch: the engine's process (a Node start of ~35 ms) starts before the CLI
 * has looked up the image and written the record, with the id the record will get, and waits for
 * the line `go` on its ready fd; releaseEarlyLaunch then lets it read the record. Only for network
 * modes whose launch needs nothing the record decides later (none, host, slirp4netns, pasta);
 * `container:` goes the usual way (launchContainer). releaseEarlyLaunch (launch-container.ts) lets it go on.
 *
 * The earliest such launch is the pre-launch (prelaunch.ts in the CLI): `tsctr run` starts the
 * engine from what its argv says before the CLI's own code is loaded. launchEngineEarly adopts it
 * when the checked flags ask for the same launch, and discards it otherwise.
 */
import { hasLimits } from '../cgroups/limits';
import { makesOwnCgroup } from '../cgroups/container-cgroup';
import type { StorePaths } from '../storage/paths';
import type { ContainerConfig } from '../runtime/container-types';
import type { CreateRequest } from '../runtime/containers/create-plan';
import type { IdMappings } from '../runtime/idmap';
import { newContainerId } from '../runtime/containers/ids';
import { removeUnusedLaunchDirs } from '../runtime/containers/launch-dirs';
import { abandonEngine, spawnEngine, type EngineLaunchTarget, type EngineNetworkLaunch, type SpawnedEngine } from '../runtime/containers/launch-engine';
import { closeHelperPipes, engineHasHelperPipes, helperPipes, networkedEngineLaunch, type HelperPipes } from './helper-pipes';
import { networkKind, type NetworkKind } from './network-mode';
import { awaitLaunch } from '../runtime/userns';
import { adoptRawChild } from '../sys/adopt-child';
import type { RawChild } from '../sys/raw-spawn';
import type { LaunchRecipe } from './launch-recipe';
import { putPrelaunch, takePrelaunch, takeRecipeLaunch } from './prelaunch-slot';

export interface EarlyLaunch {
  /** The id the container's record must get. */
  readonly id: string;
  readonly kind: NetworkKind;
  readonly attachWait: boolean;
  /** Launched with --start-held: an attaching CLI sends its attach request behind `go` (releaseEarlyLaunch). */
  readonly startHeld?: boolean;
  readonly engine: SpawnedEngine;
  readonly pipes?: HelperPipes;
  /** The plan it was launched for. */
  readonly plan?: EarlyLaunchPlan;
  /** Started from a launch recipe (launch-recipe.ts). */
  readonly fromRecipe?: boolean;
}

/** Everything an early launch depends on: two launches with equal plans are interchangeable. */
export interface EarlyLaunchPlan {
  readonly paths: StorePaths;
  readonly mappings: IdMappings;
  readonly kind: NetworkKind;
  /** Not `run -d`: the engine waits for the CLI's attach. */
  readonly attachWait: boolean;
  readonly tty: boolean;
  /** Limits and cgroup settings other than the default (the CLI makes the cgroup before the launch). */
  readonly resources?: ContainerConfig['resources'];
  readonly cgroups?: ContainerConfig['cgroups'];
}

/** A launch started before the CLI's flags were checked (see prelaunch.ts in the CLI). */
export interface Prelaunch {
  readonly plan: EarlyLaunchPlan;
  readonly id: string;
  readonly launch: Promise<EarlyLaunch>;
  readonly fromRecipe?: boolean;
}

/** An engine the bin script started from a recipe (recipe-start.ts in the CLI): spawned, its launch not yet confirmed. */
export interface RecipeLaunch {
  readonly recipe: LaunchRecipe;
  readonly id: string;
  readonly child: RawChild;
  readonly logFile: string;
}

/** Pure: the engine's namespaces for a network kind that can launch early, or undefined. */
export function earlyNetworkLaunch(kind: NetworkKind): Pick<EngineNetworkLaunch, 'unshare'> | 'helper' | undefined {
  if (kind === 'none') return { unshare: ['mnt', 'net', 'uts', 'ipc'] };
  if (kind === 'host') return { unshare: ['mnt', 'uts', 'ipc'] };
  if (kind === 'slirp4netns' || kind === 'pasta') return 'helper';
  return undefined;
}

/** Pure: the plan of a checked `run` request, or undefined when it cannot launch early. */
export function planEarlyLaunch(paths: StorePaths, request: CreateRequest, opts: { attachWait: boolean }): EarlyLaunchPlan | undefined {
  const kind = networkKind(request.network);
  if (earlyNetworkLaunch(kind) === undefined) return undefined;
  const cgroups = request.cgroups;
  return {
    paths,
    mappings: request.userns.mappings,
    kind,
    attachWait: opts.attachWait,
    tty: request.tty === true,
    ...(request.resources !== undefined && hasLimits(request.resources) && { resources: request.resources }),
    // The default (a cgroup of its own where the host allows one) is left out.
    ...(cgroups !== undefined && (cgroups.mode !== 'enabled' || cgroups.parent !== undefined) && { cgroups }),
  };
}

function sameMap(a: IdMappings['uidMap'], b: IdMappings['uidMap']): boolean {
  return a.length === b.length && a.every((e, i) => e.containerId === b[i].containerId && e.hostId === b[i].hostId && e.size === b[i].size);
}

/** Pure: whether a launch made for `made` serves `wanted`. */
export function sameEarlyLaunch(made: EarlyLaunchPlan, wanted: EarlyLaunchPlan): boolean {
  return (
    made.paths.root === wanted.paths.root &&
    made.paths.runRoot === wanted.paths.runRoot &&
    made.kind === wanted.kind &&
    made.attachWait === wanted.attachWait &&
    made.tty === wanted.tty &&
    sameMap(made.mappings.uidMap, wanted.mappings.uidMap) &&
    sameMap(made.mappings.gidMap, wanted.mappings.gidMap) &&
    JSON.stringify(made.resources) === JSON.stringify(wanted.resources) &&
    JSON.stringify(made.cgroups) === JSON.stringify(wanted.cgroups)
  );
}

/** Launches the engine for a plan (with a new id); the promise rejects as spawnEngine does. */
export async function startEarlyLaunch(plan: EarlyLaunchPlan, id: string = newContainerId()): Promise<EarlyLaunch> {
  const how = earlyNetworkLaunch(plan.kind);
  if (how === undefined) throw new Error(`internal: no early launch for --network ${plan.kind}`);
  const target: EngineLaunchTarget = { id, userns: plan.mappings, ...(plan.resources && { resources: plan.resources }), ...(plan.cgroups && { cgroups: plan.cgroups }) };
  const { paths: p, kind, attachWait } = plan;
  if (how !== 'helper') {
    // No helper to wait for: an attached run without a terminal (whose size the attach brings) starts at once.
    const startHeld = attachWait && !plan.tty;
    return { id, kind, attachWait, startHeld, plan, engine: await spawnEngine(p, target, { attachWait, network: how, awaitGo: true, startHeld }) };
  }
  const pipes = helperPipes();
  let engine: SpawnedEngine;
  try {
    // The helper joins the engine's network before the payload starts: the engine waits for an attach or start.
    engine = await spawnEngine(p, target, { attachWait: true, network: networkedEngineLaunch(pipes), awaitGo: true });
  } catch (err) {
    closeHelperPipes(pipes);
    throw err;
  } finally {
    engineHasHelperPipes(pipes);
  }
  return { id, kind, attachWait, pipes, plan, engine };
}

/** Starts the pre-launch and leaves it in the slot for launchEngineEarly (or discardUnusedPrelaunch). */
export function startPrelaunch(plan: EarlyLaunchPlan): void {
  const id = newContainerId();
  const launch = startEarlyLaunch(plan, id);
  // Nobody may ask for it (the CLI fails first); its failure is reported by the usual launch.
  launch.catch(() => undefined);
  putPrelaunch<Prelaunch>({ plan, id, launch });
}

/** A pre-launch nobody adopted: its engine is stopped and its directories go. */
export async function discardPrelaunch(pre: Prelaunch): Promise<void> {
  const p = pre.plan.paths;
  try {
    await abandonEarlyLaunch(p, await pre.launch);
  } catch {
    // The launch itself failed: only its directories can be left.
    removeUnusedLaunchDirs(p, pre.id);
  }
}

/** The launch of an engine started from a recipe, as a pre-launch (the outcome of its maps still to come). */
export function recipePrelaunch(started: RecipeLaunch): Prelaunch {
  const { recipe, id, logFile } = started;
  const { kind, attachWait } = recipe.plan;
  const program = recipe.args[recipe.args.indexOf('--') + 1] ?? 'node';
  const launched = awaitLaunch(adoptRawChild(started.child), program, recipe.plan.mappings);
  const launch = launched.then(
    (launched): EarlyLaunch => ({ id, kind, attachWait, startHeld: recipe.startHeld, plan: recipe.plan, fromRecipe: true, engine: { child: launched, cgroup: undefined, logFile } }),
    (err: unknown) => {
      removeUnusedLaunchDirs(recipe.plan.paths, id);
      throw err;
    },
  );
  launch.catch(() => undefined);
  return { plan: recipe.plan, id, launch, fromRecipe: true };
}

/** The waiting pre-launch (the bin script's, or its engine started from a recipe), if any. */
function takeWaitingPrelaunch(): Prelaunch | undefined {
  const pre = takePrelaunch<Prelaunch>();
  const started = takeRecipeLaunch<RecipeLaunch>();
  return pre ?? (started ? recipePrelaunch(started) : undefined);
}

/** Discards a pre-launch the command did not use (any command's end). */
export async function discardUnusedPrelaunch(): Promise<void> {
  const pre = takeWaitingPrelaunch();
  if (pre) await discardPrelaunch(pre);
}

/** Launches the engine for the container `request` will create (or adopts the pre-launch), or returns undefined when it cannot go early. */
export async function launchEngineEarly(p: StorePaths, request: CreateRequest, opts: { attachWait: boolean }): Promise<EarlyLaunch | undefined> {
  const plan = planEarlyLaunch(p, request, opts);
  const pre = takeWaitingPrelaunch();
  // A recipe never makes a cgroup: its engine does not serve a host where this container gets one.
  if (pre && plan && sameEarlyLaunch(pre.plan, plan) && !(pre.fromRecipe && makesOwnCgroup(request))) {
    try {
      return await pre.launch;
    } catch {
      // The launch below fails the same way and says why.
    }
  } else if (pre) {
    await discardPrelaunch(pre);
  }
  return plan ? startEarlyLaunch(plan) : undefined;
}

/** The container was not created (or not as launched for): the waiting engine exits, its run dir and cgroup go. */
export async function abandonEarlyLaunch(p: StorePaths, early: EarlyLaunch): Promise<void> {
  if (early.pipes) closeHelperPipes(early.pipes);
  await abandonEngine(p, early.id, early.engine);
}
