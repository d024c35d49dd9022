import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EarlyLaunchPlan } from '../../src/network/early-launch';
import {
  MAX_RECIPES, findRecipe, isLaunchRecipe, readRecipes, recipeArgs, recipeContext, recipeFile, recipeOf, withRecipe, withoutRecipe, writeRecipes,
  type LaunchRecipe, type MadeLaunch,
} from '../../src/network/launch-recipe';

const ID = 'a'.repeat(64);
const mappings = { uidMap: [{ containerId: 0, hostId: 1000, size: 1 }], gidMap: [{ containerId: 0, hostId: 1000, size: 1 }] };
const plan: EarlyLaunchPlan = { paths: { root: '/r', runRoot: '/rr' }, mappings, kind: 'none', attachWait: true, tty: false };
const context = recipeContext({ HOME: '/home/u', PATH: '/usr/bin', TERM: 'xterm', TSCTR_LEAN_MONITOR: '0' }, '/opt/tsctr/bin/tsctr', '/usr/bin/node', 1000);
const shimArgs = ['launch', '--sync-fd', '3', '--', '/usr/bin/node', 'engine-main.js', '--root', '/r', '--runroot', '/rr', '--id', ID, '--ready-fd', '4'];
const made = (extra: Partial<MadeLaunch> = {}): MadeLaunch => ({ id: ID, plan, startHeld: true, file: '/opt/tsctr/tsctr-shim', args: shimArgs, cgroup: false, helperPipes: false, ...extra });
const scan = JSON.stringify({ kind: 'none', detach: false, tty: false });

describe('recipeContext and recipeFile', () => {
  it('keeps the variables a launch plan depends on and leaves the others out', () => {
    expect(context.env).toEqual({ HOME: '/home/u', PATH: '/usr/bin', TSCTR_LEAN_MONITOR: '0' });
    expect(context).toMatchObject({ bin: '/opt/tsctr/bin/tsctr', node: '/usr/bin/node', uid: 1000 });
  });

  it('puts the recipes in the user cache directory, and nowhere without an absolute home', () => {
    expect(recipeFile({ HOME: '/home/u' })).toBe('/home/u/.cache/tsctr/launch-recipes.json');
    expect(recipeFile({ HOME: '/home/u', XDG_CACHE_HOME: '/c' })).toBe('/c/tsctr/launch-recipes.json');
    expect(recipeFile({ HOME: '/home/u', XDG_CACHE_HOME: 'relative' })).toBe('/home/u/.cache/tsctr/launch-recipes.json');
    expect(recipeFile({})).toBeUndefined();
    expect(recipeFile({ HOME: 'relative' })).toBeUndefined();
  });
});

describe('recipeOf and recipeArgs', () => {
  it('makes a recipe of a plain launch that gives the next container its own id', () => {
    const recipe = recipeOf(made(), scan, context) as LaunchRecipe;
    expect(recipe).toMatchObject({ version: 1, scan, plan, file: '/opt/tsctr/tsctr-shim', idIndex: shimArgs.indexOf(ID), startHeld: true });
    const next = recipeArgs(recipe, 'b'.repeat(64));
    expect(next[next.indexOf('--id') + 1]).toBe('b'.repeat(64));
    expect(next.filter((a) => a === ID)).toHaveLength(0);
    expect(recipe.args).toEqual(shimArgs);
  });

  it('makes none of what the recipe start cannot reproduce', () => {
    expect(recipeOf(made({ cgroup: true }), scan, context)).toBeUndefined();
    expect(recipeOf(made({ helperPipes: true }), scan, context)).toBeUndefined();
    expect(recipeOf(made({ plan: { ...plan, resources: { memory: 1 << 20 } } as EarlyLaunchPlan }), scan, context)).toBeUndefined();
    expect(recipeOf(made({ plan: { ...plan, cgroups: { mode: 'disabled' } } as EarlyLaunchPlan }), scan, context)).toBeUndefined();
    expect(recipeOf(made({ plan: undefined }), scan, context)).toBeUndefined();
    expect(recipeOf(made({ args: ['launch'] }), scan, context)).toBeUndefined();
  });
});

describe('findRecipe, withRecipe and withoutRecipe', () => {
  const recipe = recipeOf(made(), scan, context) as LaunchRecipe;

  it('finds the recipe only for the same scan in the same context', () => {
    expect(findRecipe([recipe], scan, context)).toBe(recipe);
    expect(findRecipe([recipe], JSON.stringify({ kind: 'host', detach: false, tty: false }), context)).toBeUndefined();
    for (const other of [
      recipeContext({ HOME: '/home/u', PATH: '/usr/bin:/bin', TSCTR_LEAN_MONITOR: '0' }, '/opt/tsctr/bin/tsctr', '/usr/bin/node', 1000),
      recipeContext({ HOME: '/home/u', PATH: '/usr/bin', TSCTR_LEAN_MONITOR: '0' }, '/elsewhere/bin/tsctr', '/usr/bin/node', 1000),
      recipeContext({ HOME: '/home/u', PATH: '/usr/bin', TSCTR_LEAN_MONITOR: '0' }, '/opt/tsctr/bin/tsctr', '/usr/bin/node', 1001),
    ]) expect(findRecipe([recipe], scan, other)).toBeUndefined();
  });

  it('keeps the newest first, one per scan and context, at most MAX_RECIPES', () => {
    const scans = Array.from({ length: MAX_RECIPES + 2 }, (_, i) => JSON.stringify({ kind: 'none', n: i }));
    let list: LaunchRecipe[] = [];
    for (const s of scans) list = withRecipe(list, { ...recipe, scan: s });
    expect(list).toHaveLength(MAX_RECIPES);
    expect(list[0].scan).toBe(scans[scans.length - 1]);
    const replaced = withRecipe(list, { ...recipe, scan: scans[5], startHeld: false });
    expect(replaced).toHaveLength(MAX_RECIPES);
    expect(replaced.filter((r) => r.scan === scans[5])).toEqual([{ ...recipe, scan: scans[5], startHeld: false }]);
    expect(withoutRecipe(replaced, scans[5], context).some((r) => r.scan === scans[5])).toBe(false);
  });

  it('checks the shape of what it reads', () => {
    expect(isLaunchRecipe(recipe)).toBe(true);
    expect(isLaunchRecipe({ ...recipe, version: 2 })).toBe(false);
    expect(isLaunchRecipe({ ...recipe, idIndex: recipe.args.length })).toBe(false);
    expect(isLaunchRecipe({ ...recipe, args: [1] })).toBe(false);
    expect(isLaunchRecipe(null)).toBe(false);
  });
});

describe('readRecipes and writeRecipes', () => {
  const uid = process.getuid?.() ?? 0;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-recipes-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const recipe = recipeOf(made(), scan, context) as LaunchRecipe;

  it('writes the list private to the user and reads it back', () => {
    const file = path.join(dir, 'cache', 'tsctr', 'launch-recipes.json');
    writeRecipes(file, [recipe]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readRecipes(file, uid)).toEqual([recipe]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['launch-recipes.json']);
  });

  it('reads nothing from a missing, foreign, group- or world-writable, linked or malformed file', () => {
    const file = path.join(dir, 'launch-recipes.json');
    expect(readRecipes(file, uid)).toEqual([]);
    writeRecipes(file, [recipe]);
    expect(readRecipes(file, uid + 1)).toEqual([]);
    fs.chmodSync(file, 0o620);
    expect(readRecipes(file, uid)).toEqual([]);
    fs.chmodSync(file, 0o600);
    const link = path.join(dir, 'link.json');
    fs.symlinkSync(file, link);
    expect(readRecipes(link, uid)).toEqual([]);
    fs.writeFileSync(file, '{not json');
    expect(readRecipes(file, uid)).toEqual([]);
    fs.writeFileSync(file, JSON.stringify([recipe, { version: 1 }]));
    expect(readRecipes(file, uid)).toEqual([recipe]);
  });
});
