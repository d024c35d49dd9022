/**
 * `tsctr run`'s fastest engine start: the bin script calls startFromRecipe(argv) first, before any
 * bundle of the CLI is loaded. When a past run with the same launch-deciding flags left a launch
 * recipe (engine/src/network/launch-recipe.ts), the engine is spawned from it at once (through
 * libuv's process handle, sys/raw-spawn.ts: child_process would cost ~6 ms more), ~15 ms before the
 * pre-launch bundle could have planned it; the run command turns it into a pre-launch
 * and adopts it only when its own plan is the same (early-launch.ts). Returns false when there is
 * no recipe for this argv, and the bin script pre-launches the usual way. Its own small bundle:
 * nothing here may load the engine's launch code.
 */
import * as fs from 'node:fs';
import { findRecipe, readRecipes, recipeArgs, recipeContext, recipeFile } from '@tsctr/engine/network/launch-recipe';
import { putRecipeLaunch } from '@tsctr/engine/network/prelaunch-slot';
import type { RecipeLaunch } from '@tsctr/engine/network/early-launch';
import { newContainerId } from '@tsctr/engine/runtime/containers/ids';
import { removeUnusedLaunchDirs } from '@tsctr/engine/runtime/containers/launch-dirs';
import { containerDir, containerRunDir, engineLogPath } from '@tsctr/engine/runtime/containers/layout';
import { rawSpawn } from '@tsctr/engine/sys/raw-spawn';
import { trace } from '@tsctr/engine/trace';
import { recipeScan } from './prelaunch-scan';
import { nodeProgramEnv } from '@tsctr/engine/runtime/node-program-env';

export function startFromRecipe(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TSCTR_PRELAUNCH === '0' || env.TSCTR_EARLY_ENGINE === '0') return false;
  const file = recipeFile(env);
  const scan = file === undefined ? undefined : recipeScan(argv);
  if (file === undefined || scan === undefined) return false;
  const uid = process.getuid?.() ?? -1;
  const recipe = findRecipe(readRecipes(file, uid), scan, recipeContext(env, process.argv[1] ?? '', process.execPath, uid));
  if (!recipe) return false;
  const id = newContainerId();
  const p = recipe.plan.paths;
  fs.mkdirSync(containerRunDir(p, id), { recursive: true, mode: 0o700 });
  fs.mkdirSync(containerDir(p, id), { recursive: true, mode: 0o700 });
  const logFile = engineLogPath(p, id);
  let log: number | undefined;
  try {
    log = fs.openSync(logFile, 'a', 0o600);
    // As spawnEngine starts an engine without a cgroup or helper pipes: fd 3 the shim's sync socket, 4 the ready fd.
    const child = rawSpawn(recipe.file, ['tsctr-shim', ...recipeArgs(recipe, id)], ['ignore', log, log, 'pipe', 'pipe'], { env: nodeProgramEnv(env), detached: true });
    trace('cli-recipe-spawned');
    putRecipeLaunch<RecipeLaunch>({ recipe, id, child, logFile });
    return true;
  } catch {
    removeUnusedLaunchDirs(p, id);
    return false;
  } finally {
    if (log !== undefined) fs.closeSync(log);
  }
}
