/**
 * `tsctr run`'s argv without yargs (whose loading and parsing cost ~15 ms of every run's start):
 * reads the common forms (`--flag VALUE`, `--flag=VALUE`, bare booleans, grouped short booleans
 * such as -it) of run's flags into what the yargs parser (run-parser.ts) gives for them, and
 * returns undefined for anything else: an unknown flag, --help, `--no-x`, `--x=false`, a missing
 * or dash-led value, an attached short value. main.ts then parses with yargs as before, so yargs
 * keeps every error message and the help. test/run-fast-argv.test.ts checks that both parsers agree
 * on every flag's name, alias and type, and give the same values.
 */
import type { RunArgs } from './run-container';

type FlagType = 'boolean' | 'string';

interface FlagSpec {
  readonly type: FlagType;
  readonly alias?: string;
  /** yargs's default for the flag. */
  readonly default?: boolean;
}

/** Every flag of `tsctr run` with its type, short alias and default, as run-parser.ts declares them. */
export const RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  // global options (also accepted after the command)
  root: { type: 'string' },
  runroot: { type: 'string' },
  'storage-driver': { type: 'string' },
  'log-level': { type: 'string' },
  // run and create
  name: { type: 'string' },
  interactive: { type: 'boolean', alias: 'i' },
  tty: { type: 'boolean', alias: 't' },
  rm: { type: 'boolean' },
  env: { type: 'string', alias: 'e' },
  'env-file': { type: 'string' },
  workdir: { type: 'string', alias: 'w' },
  user: { type: 'string', alias: 'u' },
  'group-add': { type: 'string' },
  entrypoint: { type: 'string' },
  // -h: the CLI's outer parser takes it for --help, so the short form is left to yargs.
  hostname: { type: 'string' },
  init: { type: 'boolean', default: true },
  'read-only': { type: 'boolean' },
  'read-only-tmpfs': { type: 'boolean', default: true },
  volume: { type: 'string', alias: 'v' },
  mount: { type: 'string' },
  tmpfs: { type: 'string' },
  'stop-signal': { type: 'string' },
  'stop-timeout': { type: 'string' },
  label: { type: 'string', alias: 'l' },
  userns: { type: 'string' },
  uidmap: { type: 'string' },
  gidmap: { type: 'string' },
  'cap-add': { type: 'string' },
  'cap-drop': { type: 'string' },
  privileged: { type: 'boolean' },
  'security-opt': { type: 'string' },
  network: { type: 'string' },
  publish: { type: 'string', alias: 'p' },
  'publish-all': { type: 'boolean', alias: 'P' },
  dns: { type: 'string' },
  'dns-search': { type: 'string' },
  'dns-option': { type: 'string' },
  'add-host': { type: 'string' },
  pull: { type: 'string' },
  quiet: { type: 'boolean', alias: 'q' },
  memory: { type: 'string', alias: 'm' },
  'memory-swap': { type: 'string' },
  'memory-reservation': { type: 'string' },
  cpus: { type: 'string' },
  'cpu-shares': { type: 'string', alias: 'c' },
  'cpu-weight': { type: 'string' },
  'cpuset-cpus': { type: 'string' },
  'pids-limit': { type: 'string' },
  'blkio-weight': { type: 'string' },
  cgroups: { type: 'string' },
  'cgroup-parent': { type: 'string' },
  // run only
  detach: { type: 'boolean', alias: 'd' },
  'detach-keys': { type: 'string' },
  'sig-proxy': { type: 'boolean', default: true },
};

/** Long names yargs also accepts for a flag (`--net` for `--network`). */
const LONG_ALIASES: Readonly<Record<string, string>> = { net: 'network' };

const SHORT: ReadonlyMap<string, string> = new Map(
  Object.entries(RUN_FLAGS)
    .filter(([, spec]) => spec.alias !== undefined)
    .map(([name, spec]) => [spec.alias as string, name]),
);

/** Values as yargs gives them: a string for one use, an array for several; booleans true. */
type Values = Record<string, string | string[] | boolean>;

function addValue(values: Values, name: string, value: string): void {
  const known = values[name];
  values[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known as string, value];
}

/** Pure: `tsctr [GLOBAL...] run [FLAG...] IMAGE [ARG...]` as run's arguments, or undefined (see above). */
export function parseRunArgvFast(argv: readonly string[]): RunArgs | undefined {
  const values: Values = {};
  let i = 0;
  /** One word at argv[i]: false when it is a form left to yargs. */
  const take = (globalOnly: boolean): boolean => {
    const word = argv[i];
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const given = word.slice(2, eq < 0 ? undefined : eq);
      const name = LONG_ALIASES[given] ?? given;
      const spec = RUN_FLAGS[name];
      if (!spec || (globalOnly && !['root', 'runroot', 'storage-driver', 'log-level'].includes(name))) return false;
      if (spec.type === 'boolean') {
        if (eq >= 0) return false;
        values[name] = true;
        return true;
      }
      const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
      if (value === undefined || value.startsWith('-')) return false;
      addValue(values, name, value);
      return true;
    }
    if (globalOnly || !/^-[A-Za-z]+$/.test(word)) return false;
    const letters = [...word.slice(1)];
    const names = letters.map((c) => SHORT.get(c));
    if (names.some((n) => n === undefined)) return false;
    if (names.length === 1 && RUN_FLAGS[names[0] as string].type === 'string') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return false;
      addValue(values, names[0] as string, value);
      return true;
    }
    if (names.some((n) => RUN_FLAGS[n as string].type !== 'boolean')) return false;
    for (const n of names) values[n as string] = true;
    return true;
  };
  for (; i < argv.length && argv[i].startsWith('-'); i++) if (!take(true)) return undefined;
  if (argv[i] !== 'run') return undefined;
  for (i++; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--' || !take(false)) return undefined;
  }
  const [image, ...command] = argv.slice(i);
  if (image === undefined) return undefined;
  for (const [name, spec] of Object.entries(RUN_FLAGS)) {
    if (spec.default !== undefined && values[name] === undefined) values[name] = spec.default;
  }
  return { ...(values as Partial<RunArgs>), image, command };
}
