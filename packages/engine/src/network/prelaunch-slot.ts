/**
 * Where `tsctr run`'s pre-launch waits for the run command (early-launch.ts). On globalThis because
 * the CLI's pre-launch bundle and its main bundle hold separate copies of every module. No imports:
 * the CLI's main module checks the slot after every command.
 */
const SLOT = Symbol.for('tsctr.prelaunch');

type WithSlot<T> = typeof globalThis & { [SLOT]?: T };

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

export function hasPrelaunch(): boolean {
  return (globalThis as WithSlot<unknown>)[SLOT] !== undefined;
}
