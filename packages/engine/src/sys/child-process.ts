/**
 * node:child_process, loaded on first use: loading it costs ~3 ms, and the engine of a plain
 * `run` never needs it (the init is started with posix_spawn, sys/spawn.ts).
 */
let loaded: typeof import('node:child_process') | undefined;

export function childProcess(): typeof import('node:child_process') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('node:child_process') as typeof import('node:child_process');
  return loaded;
}
