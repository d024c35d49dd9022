/**
 * `tsctr run` in its common forms (run-fast-argv.ts) as a bundle of its own: bin/tsctr tries it
 * first for `run` and loads the whole CLI (main.ts: yargs and every command) only when the fast
 * parser declines. Half the code to load and compile while the pre-launched engine starts on the
 * other core.
 */
import { trace } from '@tsctr/engine/trace';
import { hasPrelaunch } from '@tsctr/engine/network/prelaunch-slot';
import { reportError } from './report-error';
import { parseRunArgvFast } from './run-fast-argv';
import type { RunArgs, RunHooks } from './run-container';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the parse: an argv for the full CLI never loads them */
const loadRunContainer = (): typeof import('./run-container') => require('./run-container');
const loadEarlyLaunch = (): typeof import('@tsctr/engine/network/early-launch') => require('@tsctr/engine/network/early-launch');
const loadRecipeRecord = (): typeof import('./recipe-record') => require('./recipe-record');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs `tsctr run` when argv has a form the fast parser reads; undefined when it needs the full CLI. */
export async function runMain(args: readonly string[]): Promise<number | undefined> {
  const argv = process.env.TSCTR_FAST_ARGV === '0' ? undefined : parseRunArgvFast(args);
  if (!argv) return undefined;
  trace('cli-main');
  process.once('exit', () => trace('cli-exit'));
  try {
    return await runParsed(argv, { launched: (early) => loadRecipeRecord().rememberLaunch(args, early) });
  } finally {
    await discardUnusedPrelaunch();
  }
}

/** `run` with its flags parsed: the exit code (errors reported as the CLI does). */
export async function runParsed(argv: RunArgs, hooks: RunHooks = {}): Promise<number> {
  trace('cli-parsed');
  try {
    await loadRunContainer().runContainer(argv, hooks);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    return reportError(err);
  }
}

/** `run`'s pre-launch (prelaunch.ts) when the command failed before it could use it. */
export async function discardUnusedPrelaunch(): Promise<void> {
  if (hasPrelaunch()) await loadEarlyLaunch().discardUnusedPrelaunch();
}
