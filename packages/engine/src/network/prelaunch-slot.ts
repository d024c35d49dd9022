/**
 * Where `tsctr run`'s pre-launch waits for the run command (early-launch.ts). On globalThis because
 * the CLI's pre-launch bundle and its main bundle hold separate copies of every module. No imports:
 * the CLI's main module checks the slot after every command.
 */
const SLOT = Symbol.for('tsctr.prelaunch');
/** An engine started from a launch recipe (recipe-start.ts in the CLI), not yet turned into a pre-launch. */
const RECIPE_SLOT = Symbol.for('tsctr.recipe-launch');

type Slot = typeof SLOT | typeof RECIPE_SLOT;
type WithSlots = typeof globalThis & { [key in Slot]?: unknown };

function put(key: Slot, value: unknown): void {
  (globalThis as WithSlots)[key] = value;
}

/** What `key` holds, if anything; the slot is empty afterwards. */
function take<T>(key: Slot): T | undefined {
  const slots = globalThis as WithSlots;
  const value = slots[key] as T | undefined;
  delete slots[key];
  return value;
}

export const putPrelaunch = <T>(value: T): void => put(SLOT, value);
/** The waiting pre-launch, if any; the slot is empty afterwards. */
export const takePrelaunch = <T>(): T | undefined => take<T>(SLOT);
export const putRecipeLaunch = <T>(value: T): void => put(RECIPE_SLOT, value);
/** The engine started from a recipe, if any; the slot is empty afterwards. */
export const takeRecipeLaunch = <T>(): T | undefined => take<T>(RECIPE_SLOT);

export function hasPrelaunch(): boolean {
  const slots = globalThis as WithSlots;
  return slots[SLOT] !== undefined || slots[RECIPE_SLOT] !== undefined;
}
