/**
 * Entry point of the lean monitor: exec'd by the engine (monitor-handoff.ts) in place of itself,
 * with the hand-over JSON as its only argument. See monitor.ts.
 */
import { Monitor } from './monitor';
import { parseHandoff } from './monitor-handoff';

try {
  new Monitor(parseHandoff(process.argv[2])).run();
} catch (err) {
  // The container keeps running without a monitor only until the kernel ends it: PDEATHSIG of the
  // shim's relay fires when this process exits.
  console.error(`tsctr monitor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(125);
}
