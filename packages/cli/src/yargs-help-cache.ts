/**
 * yargs renders the whole help text of a command right after starting its handler (command.js:
 * `cacheHelpMessage`), to show it if the handler later fails; tsctr's fail() never shows help
 * (main.ts), so that rendering (~7 ms of every command but run's fast path) is skipped. Uses
 * yargs' internal methods where they are as expected and changes nothing otherwise; `--help`
 * renders the text when asked, as before.
 */
import type { Argv } from 'yargs';

interface UsageInstance {
  cacheHelpMessage?: unknown;
}
interface WithInternals {
  getInternalMethods?: () => { getUsageInstance?: () => UsageInstance | undefined };
}

/** True when the help cache is now skipped. */
export function skipHelpCache(y: Argv): boolean {
  const internals = (y as unknown as WithInternals).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (!usage || typeof usage.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => undefined;
  return true;
}
