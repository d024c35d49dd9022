/**
 * `tsctr run`'s pre-launch: the bin script calls prelaunch(argv) before it loads the CLI's bundle,
 * so the container's engine (a Node start of its own) starts ~20 ms before the CLI has parsed
 * anything. Its plan comes from run's fast argv parser (run-fast-argv.ts); the run command adopts
 * the launch when its checked flags give the same plan (early-launch.ts) and discards it
 * otherwise, so a plan that gets something wrong costs time, never correctness.
 * Kept small: it is its own bundle (dist-bundle/prelaunch.bundle.js).
 */
import { startPrelaunch } from '@tsctr/engine/network/early-launch';
import type { NetworkKind } from '@tsctr/engine/network/network-mode';
import { loadDefaultMappings } from '@tsctr/engine/runtime/subid-files';
import { resolveStorePaths } from '@tsctr/engine/storage/paths';
import type { RunArgs } from './run-container';
import { parseRunArgvFast } from './run-fast-argv';

/** What the scan of argv found: enough for an early launch. */
export interface PrelaunchScan {
  readonly root?: string;
  readonly runroot?: string;
  readonly kind: NetworkKind;
  readonly detach: boolean;
  readonly tty: boolean;
}

/** run's flags that change the engine's launch in ways the pre-launch does not plan for. */
const LAUNCH_CHANGING: readonly (keyof RunArgs)[] = [
  'userns', 'uidmap', 'gidmap', 'cgroups', 'cgroup-parent',
  'memory', 'memory-swap', 'memory-reservation', 'cpus', 'cpu-shares', 'cpu-weight', 'cpuset-cpus', 'pids-limit', 'blkio-weight',
];

/** Pure: the network kind of a --network value the pre-launch handles (given once), or undefined. */
export function scanNetworkKind(value: string | string[] | undefined): NetworkKind | undefined {
  if (value === undefined) return 'slirp4netns';
  if (Array.isArray(value)) return undefined; // given twice: the run command refuses it
  if (value === 'none' || value === 'host') return value;
  if (value === 'slirp4netns' || value.startsWith('slirp4netns:')) return 'slirp4netns';
  if (value === 'pasta' || value.startsWith('pasta:')) return 'pasta';
  return undefined;
}

/**
 * Pure: what `tsctr [GLOBAL...] run [FLAG...] IMAGE ...` asks of the engine's launch, or undefined
 * for anything else: argv that run-fast-argv.ts leaves to yargs (other commands, --help, unknown
 * flags, ...) and flags that change the mapping, the limits or the cgroup.
 */
export function scanRunArgv(argv: readonly string[]): PrelaunchScan | undefined {
  const run = parseRunArgvFast(argv);
  if (!run || LAUNCH_CHANGING.some((flag) => run[flag] !== undefined)) return undefined;
  const kind = scanNetworkKind(run.network as string | string[] | undefined);
  if (kind === undefined || Array.isArray(run.root) || Array.isArray(run.runroot)) return undefined;
  return { ...(run.root !== undefined && { root: run.root }), ...(run.runroot !== undefined && { runroot: run.runroot }), kind, detach: run.detach === true, tty: run.tty === true };
}

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
