/**
 * After `tsctr run` adopted or made its engine's launch: the launch becomes the recipe for the next
 * run with the same launch-deciding flags (recipe-start.ts), or the recipe for them goes when this
 * launch could not be one. Best effort: a recipe that cannot be written only costs the next run
 * its head start.
 */
import type { EarlyLaunch } from '@tsctr/engine/network/early-launch';
import { readRecipes, recipeContext, recipeFile, recipeOf, withRecipe, withoutRecipe, writeRecipes } from '@tsctr/engine/network/launch-recipe';
import { recipeScan } from './prelaunch-scan';

export function rememberLaunch(argv: readonly string[], early: EarlyLaunch, env: NodeJS.ProcessEnv = process.env): void {
  // A launch from the recipe is what the recipe says already.
  if (early.fromRecipe || env.TSCTR_PRELAUNCH === '0' || env.TSCTR_EARLY_ENGINE === '0') return;
  const file = recipeFile(env);
  const scan = file === undefined ? undefined : recipeScan(argv);
  if (file === undefined || scan === undefined) return;
  const uid = process.getuid?.() ?? -1;
  const context = recipeContext(env, process.argv[1] ?? '', process.execPath, uid);
  const { child } = early.engine;
  const recipe = recipeOf(
    { id: early.id, plan: early.plan, startHeld: early.startHeld, file: child.spawnfile, args: child.spawnargs.slice(1), cgroup: early.engine.cgroup !== undefined, helperPipes: early.pipes !== undefined },
    scan,
    context,
  );
  const recipes = readRecipes(file, uid);
  const next = recipe ? withRecipe(recipes, recipe) : withoutRecipe(recipes, scan, context);
  if (!recipe && next.length === recipes.length) return;
  try {
    writeRecipes(file, next);
  } catch {
    // the next run pre-launches the usual way
  }
}
