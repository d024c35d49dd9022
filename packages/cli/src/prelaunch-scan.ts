/**
 * What `tsctr run`'s argv asks of the engine's launch, read before the CLI is loaded: by the
 * pre-launch (prelaunch.ts) and by the start from a launch recipe (recipe-start.ts). Small and
 * without engine code: the recipe start loads it before anything else.
 */
import type { NetworkKind } from '@tsctr/engine/network/network-mode';
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


/** The scan as launch recipes key it (launch-recipe.ts), or undefined when argv is nothing the pre-launch handles. */
export function recipeScan(argv: readonly string[]): string | undefined {
  const scan = scanRunArgv(argv);
  return scan && JSON.stringify(scan);
}
