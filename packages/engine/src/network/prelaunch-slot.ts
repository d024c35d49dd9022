/**
 * Where `tsctr run`'s pre-launch waits for the run command (early-launch.ts). On globalThis because
 * the CLI's pre-launch bundle and its main bundle hold separate copies of every module. No imports:
 * the CLI's main module checks the slot after every command.
 */
const SLOT = Symbol.for('tsctr.prelaunch');
/** An engine started from a launch recipe (recipe-start.ts in the CLI), not yet turned into a pre-launch. */
const RECIPE_SLOT = Symbol.for('tsctr.recipe-launch');

type WithSlot<T> = typeof globalThis & { [SLOT]?: T; [RECIPE_SLOT]?: T };

export function putPrelaunch<T>(value: T): void {
  (globalThis as WithSlot<T>)[SLOT] = value;
}

/** The waiting pre-launch, if any; the slot is empty afterwards. */
export function takePrelaunch<T>(): T | undefined {
  const slot = globalThis as WithSlot<T>;
  const value = slot[SLOT];
  delete slot[SLOT];
  return value;
}

export function putRecipeLaunch<T>(value: T): void {
  (globalThis as WithSlot<T>)[RECIPE_SLOT] = value;
}

/** The engine started from a recipe, if any; the slot is empty afterwards. */
export function takeRecipeLaunch<T>(): T | undefined {
  const slot = globalThis as WithSlot<T>;
  const value = slot[RECIPE_SLOT];
  delete slot[RECIPE_SLOT];
  return value;
}

export function hasPrelaunch(): boolean {
  const slot = globalThis as WithSlot<unknown>;
  return slot[SLOT] !== undefined || slot[RECIPE_SLOT] !== undefined;
}
