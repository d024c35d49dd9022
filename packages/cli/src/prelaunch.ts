/**
 * `tsctr run`'s pre-launch: the bin script calls prelaunch(argv) before it loads the CLI's bundle,
 * so the container's engine (a Node start of its own) starts ~20 ms before the CLI has parsed
 * anything. Its plan comes from run's fast argv parser (run-fast-argv.ts); the run command adopts
 * the launch when its checked flags give the same plan (early-launch.ts) and discards it
 * otherwise, so a plan that gets something wrong costs time, never correctness.
 * Kept small: it is its own bundle (dist-bundle/prelaunch.bundle.js).
 */
import { startPrelaunch } from '@tsctr/engine/network/early-launch';
import { loadDefaultMappings } from '@tsctr/engine/runtime/subid-files';
import { resolveStorePaths } from '@tsctr/engine/storage/paths';
import { scanRunArgv } from './prelaunch-scan';

export { scanNetworkKind, scanRunArgv, type PrelaunchScan } from './prelaunch-scan';

/** Starts the engine for what argv asks, when the scan recognises it; silently nothing otherwise. */
export function prelaunch(argv: readonly string[]): void {
  if (process.env.TSCTR_PRELAUNCH === '0' || process.env.TSCTR_EARLY_ENGINE === '0') return;
  const scan = scanRunArgv(argv);
  if (!scan) return;
  let mappings;
  try {
    mappings = loadDefaultMappings();
  } catch {
    return; // no subordinate ids: the run command says so
  }
  startPrelaunch({ paths: resolveStorePaths({ root: scan.root, runroot: scan.runroot }), mappings, kind: scan.kind, attachWait: !scan.detach, tty: scan.tty });
}
