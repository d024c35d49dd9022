/**
 * `tsctr run`'s pre-launch: the bin script calls prelaunch(argv) before it loads the CLI's bundle,
 * so the container's engine (a Node start of its own) starts ~20 ms before the CLI has parsed
 * anything. Its plan comes from a quick scan of argv that knows only the common flags; the run
 * command adopts the launch when its checked flags give the same plan (early-launch.ts) and
 * discards it otherwise, so a scan that gets something wrong costs time, never correctness.
 * Kept small: it is its own bundle (dist-bundle/prelaunch.bundle.js).
 */
import { startPrelaunch } from '@tsctr/engine/network/early-launch';
import type { NetworkKind } from '@tsctr/engine/network/network-mode';
import { loadDefaultMappings } from '@tsctr/engine/runtime/userns';
import { resolveStorePaths } from '@tsctr/engine/storage/paths';

/** What the scan of argv found: enough for an early launch. */
export interface PrelaunchScan {
  readonly root?: string;
  readonly runroot?: string;
  readonly kind: NetworkKind;
  readonly detach: boolean;
  readonly tty: boolean;
}

const GLOBAL_WITH_VALUE = new Set(['--root', '--runroot', '--storage-driver', '--log-level']);

/** run's flags that take a value and do not change the engine's launch. */
const VALUE_FLAGS = new Set([
  // Not -h: the CLI's outer parser takes it for --help.
  '--name', '-e', '--env', '--env-file', '-w', '--workdir', '-u', '--user', '--group-add', '--entrypoint', '--hostname',
  '-v', '--volume', '--mount', '--tmpfs', '--stop-signal', '--stop-timeout', '-l', '--label', '--cap-add', '--cap-drop',
  '--security-opt', '-p', '--publish', '--dns', '--dns-search', '--dns-option', '--add-host', '--pull', '--detach-keys',
  '--network', '--net', '--storage-driver', '--log-level', '--root', '--runroot',
]);
/** run's boolean flags, given bare. */
const BOOLEAN_FLAGS = new Set(['--rm', '--interactive', '--tty', '--detach', '--init', '--read-only', '--read-only-tmpfs', '--privileged', '--quiet', '--publish-all', '--sig-proxy']);
/** Short boolean flags, alone or grouped (-it, -dit). */
const SHORT_BOOLEANS = new Set(['i', 't', 'd', 'q', 'P']);

/** Pure: the network kind of a --network value the pre-launch handles, or undefined. */
export function scanNetworkKind(value: string | undefined): NetworkKind | undefined {
  if (value === undefined) return 'slirp4netns';
  if (value === 'none' || value === 'host') return value;
  if (value === 'slirp4netns' || value.startsWith('slirp4netns:')) return 'slirp4netns';
  if (value === 'pasta' || value.startsWith('pasta:')) return 'pasta';
  return undefined;
}

/**
 * Pure: what `tsctr [GLOBAL...] run [FLAG...] IMAGE ...` asks of the engine's launch, or undefined
 * for anything else (other commands, --help, flags that change the mapping, limits, unknown flags).
 */
export function scanRunArgv(argv: readonly string[]): PrelaunchScan | undefined {
  let root: string | undefined;
  let runroot: string | undefined;
  let network: string | undefined;
  let detach = false;
  let tty = false;
  let repeated = false;
  let i = 0;
  const valueOf = (word: string): string | undefined => {
    const eq = word.indexOf('=');
    if (eq >= 0) return word.slice(eq + 1);
    i++;
    return argv[i];
  };
  const remember = (name: string, value: string): void => {
    if (name === '--root') root = value;
    else if (name === '--runroot') runroot = value;
    else if (name === '--network' || name === '--net') {
      // Given twice, the run command refuses it.
      if (network !== undefined) repeated = true;
      network = value;
    }
  };
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const word = argv[i];
    const name = word.split('=', 1)[0];
    if (!GLOBAL_WITH_VALUE.has(name)) return undefined;
    const value = valueOf(word);
    if (value === undefined) return undefined;
    remember(name, value);
  }
  if (argv[i] !== 'run') return undefined;
  for (i++; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--' || !word.startsWith('-') || word === '-') break;
    const name = word.split('=', 1)[0];
    if (VALUE_FLAGS.has(name)) {
      const value = valueOf(word);
      if (value === undefined) return undefined;
      remember(name, value);
    } else if (BOOLEAN_FLAGS.has(word)) {
      if (word === '--detach') detach = true;
      if (word === '--tty') tty = true;
    } else if (/^-[A-Za-z]+$/.test(word) && [...word.slice(1)].every((c) => SHORT_BOOLEANS.has(c))) {
      if (word.includes('d')) detach = true;
      if (word.includes('t')) tty = true;
    } else {
      return undefined;
    }
  }
  // No image: the usage error, not a container.
  if (i >= argv.length || argv[i] === '--') return undefined;
  const kind = scanNetworkKind(network);
  if (kind === undefined || repeated) return undefined;
  return { ...(root !== undefined && { root }), ...(runroot !== undefined && { runroot }), kind, detach, tty };
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
