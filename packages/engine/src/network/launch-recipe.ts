/**
 * Launch recipes: `tsctr run`'s engine launch as a past run made it, kept per user so that the next
 * run with the same launch-deciding flags starts its engine from the bin script's first lines,
 * before any bundle is loaded (the CLI's recipe-start.ts), instead of after the pre-launch bundle
 * has planned it (~12 ms later). A recipe only saves the planning: the run command still plans the
 * launch from its checked flags and adopts the engine only when the plans are the same
 * (early-launch.ts); anything else kills it and launches anew, so a stale or wrong recipe costs
 * time, never correctness. Only launches without a cgroup of their own and without network helper
 * pipes are kept (none and host networking on hosts without cgroup delegation).
 *
 * The file is the user's own (XDG_CACHE_HOME/tsctr/launch-recipes.json, 0600 in a 0700 directory);
 * one that another user owns or others can write is ignored. It can start only what its user could
 * start by hand (the shim runs unprivileged; newuidmap checks /etc/subuid itself).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EarlyLaunchPlan } from './early-launch';

export const RECIPE_VERSION = 1;
/** Recipes kept (different flags, stores or environments), most recently made first. */
export const MAX_RECIPES = 8;

/** Where a recipe was made: a start from another install, user or environment does not use it. */
export interface RecipeContext {
  /** The bin script that ran (another install has its own recipes). */
  readonly bin: string;
  readonly node: string;
  readonly uid: number;
  /** The environment variables the launch plan depends on (store paths, tool lookup, tsctr's switches). */
  readonly env: Readonly<Record<string, string>>;
}

export interface LaunchRecipe {
  readonly version: typeof RECIPE_VERSION;
  /** The pre-launch scan of the run's argv (prelaunch-scan.ts in the CLI), as JSON. */
  readonly scan: string;
  readonly context: RecipeContext;
  /** The plan the launch was made for: the run command compares it with its own. */
  readonly plan: EarlyLaunchPlan;
  /** `tsctr-shim launch ...` as spawnEngine ran it: the shim's file and its arguments. */
  readonly file: string;
  readonly args: readonly string[];
  /** Where the container id stands in args (replaced by the new container's id). */
  readonly idIndex: number;
  readonly startHeld: boolean;
}

const CONTEXT_ENV = ['HOME', 'PATH', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR'];

/** Pure: the context of a start with this environment. */
export function recipeContext(env: NodeJS.ProcessEnv, bin: string, node: string, uid: number): RecipeContext {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && (CONTEXT_ENV.includes(name) || name.startsWith('TSCTR_') || name.startsWith('CONTAINERS_'))) picked[name] = value;
  }
  return { bin, node, uid, env: picked };
}

/** Pure: the recipe file of a user with this environment (undefined without a home). */
export function recipeFile(env: NodeJS.ProcessEnv): string | undefined {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME && path.isAbsolute(env.HOME) ? path.join(env.HOME, '.cache') : undefined;
  return cache === undefined ? undefined : path.join(cache, 'tsctr', 'launch-recipes.json');
}

function sameContext(a: RecipeContext, b: RecipeContext): boolean {
  return a.bin === b.bin && a.node === b.node && a.uid === b.uid && JSON.stringify(a.env) === JSON.stringify(b.env);
}

/** Pure: the recipe made for this scan in this context, if any. */
export function findRecipe(recipes: readonly LaunchRecipe[], scan: string, context: RecipeContext): LaunchRecipe | undefined {
  return recipes.find((r) => r.scan === scan && sameContext(r.context, context));
}

/** Pure: the recipes with `recipe` first, replacing the one for its scan and context, at most MAX_RECIPES. */
export function withRecipe(recipes: readonly LaunchRecipe[], recipe: LaunchRecipe): LaunchRecipe[] {
  return [recipe, ...recipes.filter((r) => !(r.scan === recipe.scan && sameContext(r.context, recipe.context)))].slice(0, MAX_RECIPES);
}

/** Pure: the recipes without the one for this scan and context (its launch was refused). */
export function withoutRecipe(recipes: readonly LaunchRecipe[], scan: string, context: RecipeContext): LaunchRecipe[] {
  return recipes.filter((r) => !(r.scan === scan && sameContext(r.context, context)));
}

/** What a launch was: enough to tell whether it can be a recipe and to make one. */
export interface MadeLaunch {
  readonly id: string;
  readonly plan?: EarlyLaunchPlan;
  readonly startHeld?: boolean;
  /** The spawned shim's file and arguments (ChildProcess.spawnfile, spawnargs without argv0). */
  readonly file: string;
  readonly args: readonly string[];
  /** Whether the engine got a cgroup of its own or network helper pipes. */
  readonly cgroup: boolean;
  readonly helperPipes: boolean;
}

/**
 * Pure: the recipe for a launch, or undefined when it cannot be one (a cgroup of its own, helper
 * pipes, limits or cgroup settings: what recipe-start.ts does not reproduce).
 */
export function recipeOf(made: MadeLaunch, scan: string, context: RecipeContext): LaunchRecipe | undefined {
  const { plan } = made;
  if (!plan || made.cgroup || made.helperPipes || plan.resources !== undefined || plan.cgroups !== undefined) return undefined;
  const idIndex = made.args.indexOf(made.id);
  if (idIndex < 0) return undefined;
  return { version: RECIPE_VERSION, scan, context, plan, file: made.file, args: [...made.args], idIndex, startHeld: made.startHeld === true };
}

/** Pure: the shim's arguments for a container id. */
export function recipeArgs(recipe: LaunchRecipe, id: string): string[] {
  const args = [...recipe.args];
  args[recipe.idIndex] = id;
  return args;
}

/** Pure: whether a parsed value has a recipe's shape (a file from another version is ignored). */
export function isLaunchRecipe(value: unknown): value is LaunchRecipe {
  const r = value as Partial<LaunchRecipe> | null;
  return (
    typeof r === 'object' && r !== null && r.version === RECIPE_VERSION && typeof r.scan === 'string' && typeof r.file === 'string' &&
    Array.isArray(r.args) && r.args.every((a) => typeof a === 'string') && typeof r.idIndex === 'number' && Number.isInteger(r.idIndex) &&
    r.idIndex >= 0 && r.idIndex < r.args.length && typeof r.startHeld === 'boolean' && typeof r.plan === 'object' && r.plan !== null &&
    typeof r.context === 'object' && r.context !== null
  );
}

/** The user's recipes; none when the file is missing, unreadable, not the user's own or writable by others. */
export function readRecipes(file: string, uid: number = process.getuid?.() ?? -1): LaunchRecipe[] {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return [];
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== uid || (st.mode & 0o022) !== 0) return [];
    const parsed = JSON.parse(fs.readFileSync(fd, 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isLaunchRecipe) : [];
  } catch {
    return [];
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces the user's recipes (a temp file renamed over it: a reader sees the old or the new list). */
export function writeRecipes(file: string, recipes: readonly LaunchRecipe[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify(recipes), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
