/**
 * containers-registries.conf(5), version 2 (version 1's [registries.search/insecure/block] tables are
 * converted), parsed with smol-toml.
 *
 * Files, as containers/image reads them:
 * - `$CONTAINERS_REGISTRIES_CONF` set: that file only (tsctr reads no drop-ins then, so a test or a
 *   user can pin the whole configuration; containers/image would still read the drop-in dirs).
 * - else `~/.config/containers/registries.conf` if it exists, then `~/.config/containers/registries.conf.d/*.conf`
 *   (the system file and the system drop-ins are then NOT read: the user file replaces them);
 * - else `/etc/containers/registries.conf`, `/etc/containers/registries.conf.d/*.conf`,
 *   `~/.config/containers/registries.conf.d/*.conf`.
 * Drop-ins load in alphanumeric order; a field set in a later file overrides it; `[[registry]]`
 * tables with the same prefix replace earlier ones; aliases merge per name ("" erases).
 *
 * - `loadRegistriesConfig(opts)` reads the files (missing files are fine) -> RegistriesConfig.
 * - `parseRegistriesConf(text, source)` / `mergeRegistriesConfs(parts)` are the pure halves.
 * - `findRegistryEntry(config, name)` picks the `[[registry]]` with the longest matching prefix.
 * - `resolvePullCandidates` (re-exported from ./pull-candidates) turns a reference into what to try.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsctrError } from '../errors';

// smol-toml is an ES module with a CommonJS build; the engine is CommonJS, so require the CJS build.
type SmolToml = typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as SmolToml;

export type ShortNameMode = 'enforcing' | 'permissive' | 'disabled';
export type PullFromMirror = 'all' | 'digest-only' | 'tag-only';

export interface RegistryMirror {
  readonly location: string;
  readonly insecure: boolean;
  readonly pullFromMirror: PullFromMirror;
}

export interface RegistryEntry {
  /** `host[:port][/namespace...]` or `*.example.com`. */
  readonly prefix: string;
  /** Physical location replacing `prefix`; '' only for a wildcard prefix (no rewrite). */
  readonly location: string;
  readonly insecure: boolean;
  readonly blocked: boolean;
  readonly mirrorByDigestOnly: boolean;
  readonly mirrors: readonly RegistryMirror[];
}

export interface RegistriesConfig {
  readonly unqualifiedSearchRegistries: readonly string[];
  readonly registries: readonly RegistryEntry[];
  readonly shortNameMode: ShortNameMode;
  /** Short name -> fully qualified repository (no tag). */
  readonly aliases: Readonly<Record<string, string>>;
  /** Files that contributed, in load order (for `tsctr info` and error messages). */
  readonly sources: readonly string[];
}

/** What one file sets; undefined means "not set here". */
export interface RegistriesConfPart {
  readonly source: string;
  readonly unqualifiedSearchRegistries?: readonly string[];
  readonly registries: readonly RegistryEntry[];
  readonly shortNameMode?: ShortNameMode;
  /** '' erases an alias set by an earlier file. */
  readonly aliases: Readonly<Record<string, string>>;
}

/** Used when no file sets unqualified-search-registries. */
export const DEFAULT_SEARCH_REGISTRIES: readonly string[] = ['docker.io'];

export const emptyRegistriesConfig: RegistriesConfig = {
  unqualifiedSearchRegistries: DEFAULT_SEARCH_REGISTRIES,
  registries: [],
  shortNameMode: 'permissive',
  aliases: {},
  sources: [],
};

type Table = Record<string, unknown>;

function confError(source: string, field: string, problem: string): TsctrError {
  return new TsctrError(`${source}: ${field}: ${problem}`);
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function readBoolean(table: Table, key: string, source: string, field: string): boolean {
  const value = table[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw confError(source, `${field}.${key}`, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function readString(table: Table, key: string, source: string, field: string): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw confError(source, `${field}.${key}`, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function readStringArray(value: unknown, source: string, field: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw confError(source, field, `expected an array of strings, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

/** A location or prefix is `host[:port][/path]`: no scheme, no trailing slash. */
function checkLocation(value: string, source: string, field: string): string {
  if (value.includes('://')) throw confError(source, field, `"${value}" must not contain a scheme (write host[:port][/path])`);
  return value.replace(/\/+$/, '');
}

function checkPrefix(prefix: string, source: string, field: string): void {
  if (prefix.startsWith('*.') && /[/:@]/.test(prefix)) {
    throw confError(source, field, `wildcard prefix "${prefix}" may only be *.domain (no port, path, tag or digest)`);
  }
  if (prefix.includes('*') && !prefix.startsWith('*.')) {
    throw confError(source, field, `"${prefix}": a wildcard is only allowed as a leading "*."`);
  }
}

function parseMirror(value: unknown, source: string, field: string): RegistryMirror {
  if (!isTable(value)) throw confError(source, field, 'expected a table');
  const location = checkLocation(readString(value, 'location', source, field) ?? '', source, `${field}.location`);
  if (location === '') throw confError(source, `${field}.location`, 'a mirror needs a location');
  const pull = readString(value, 'pull-from-mirror', source, field) ?? 'all';
  if (pull !== 'all' && pull !== 'digest-only' && pull !== 'tag-only' && pull !== '') {
    throw confError(source, `${field}.pull-from-mirror`, `expected "all", "digest-only" or "tag-only", got "${pull}"`);
  }
  return { location, insecure: readBoolean(value, 'insecure', source, field), pullFromMirror: pull === '' ? 'all' : pull };
}

function parseRegistryTable(value: unknown, source: string, field: string): RegistryEntry {
  if (!isTable(value)) throw confError(source, field, 'expected a table');
  const location = checkLocation(readString(value, 'location', source, field) ?? '', source, `${field}.location`);
  const prefix = readString(value, 'prefix', source, field) || location;
  if (prefix === '') throw confError(source, field, 'a [[registry]] needs a prefix or a location');
  checkPrefix(prefix, source, `${field}.prefix`);
  if (location === '' && !prefix.startsWith('*.')) throw confError(source, `${field}.location`, 'only a wildcard (*.domain) prefix may have an empty location');
  const mirrorsValue = value.mirror ?? [];
  if (!Array.isArray(mirrorsValue)) throw confError(source, `${field}.mirror`, 'expected [[registry.mirror]] tables');
  const mirrorByDigestOnly = readBoolean(value, 'mirror-by-digest-only', source, field);
  const mirrors = mirrorsValue.map((mirror, i) => parseMirror(mirror, source, `${field}.mirror[${i}]`));
  if (mirrorByDigestOnly && mirrors.some((m) => m.pullFromMirror !== 'all')) {
    throw confError(source, field, 'pull-from-mirror cannot be combined with mirror-by-digest-only');
  }
  return { prefix, location, insecure: readBoolean(value, 'insecure', source, field), blocked: readBoolean(value, 'blocked', source, field), mirrorByDigestOnly, mirrors };
}

function parseVersion1(tables: Table, source: string): Pick<RegistriesConfPart, 'unqualifiedSearchRegistries' | 'registries'> {
  const list = (name: string): string[] => {
    const table = tables[name];
    if (table === undefined) return [];
    if (!isTable(table)) throw confError(source, `registries.${name}`, 'expected a table');
    return table.registries === undefined ? [] : readStringArray(table.registries, source, `registries.${name}.registries`);
  };
  const search = list('search');
  const insecure = new Set(list('insecure'));
  const blocked = new Set(list('block'));
  const registries = [...new Set([...insecure, ...blocked])].map((location) => ({
    prefix: location,
    location,
    insecure: insecure.has(location),
    blocked: blocked.has(location),
    mirrorByDigestOnly: false,
    mirrors: [],
  }));
  return { ...(search.length > 0 && { unqualifiedSearchRegistries: search }), registries };
}

/** Pure: one file's text -> what it sets. Errors name the file and the field. */
export function parseRegistriesConf(text: string, source: string): RegistriesConfPart {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (err) {
    throw new TsctrError(`${source}: not valid TOML: ${(err as Error).message.split('\n')[0]}`, 125, { cause: err });
  }
  const hasV1 = isTable(doc.registries);
  if (hasV1 && (doc.registry !== undefined || doc['unqualified-search-registries'] !== undefined)) {
    throw confError(source, 'registries', 'mixes the version 1 [registries.*] tables with version 2 settings');
  }

  const part: { -readonly [K in keyof RegistriesConfPart]: RegistriesConfPart[K] } = { source, registries: [], aliases: {} };
  if (hasV1) Object.assign(part, parseVersion1(doc.registries as Table, source));

  if (doc['unqualified-search-registries'] !== undefined) {
    part.unqualifiedSearchRegistries = readStringArray(doc['unqualified-search-registries'], source, 'unqualified-search-registries').map((r, i) =>
      checkLocation(r, source, `unqualified-search-registries[${i}]`),
    );
  }
  if (doc.registry !== undefined) {
    if (!Array.isArray(doc.registry)) throw confError(source, 'registry', 'expected [[registry]] tables');
    part.registries = doc.registry.map((entry, i) => parseRegistryTable(entry, source, `registry[${i}]`));
  }
  const mode = doc['short-name-mode'];
  if (mode !== undefined && mode !== '') {
    if (mode !== 'enforcing' && mode !== 'permissive' && mode !== 'disabled') {
      throw confError(source, 'short-name-mode', `expected "enforcing", "permissive" or "disabled", got ${JSON.stringify(mode)}`);
    }
    part.shortNameMode = mode;
  }
  if (doc.aliases !== undefined) {
    if (!isTable(doc.aliases)) throw confError(source, 'aliases', 'expected a table of "name" = "registry/repository"');
    const aliases: Record<string, string> = {};
    for (const [name, value] of Object.entries(doc.aliases)) {
      if (typeof value !== 'string') throw confError(source, `aliases."${name}"`, `expected a string, got ${JSON.stringify(value)}`);
      aliases[name] = value;
    }
    part.aliases = aliases;
  }
  return part;
}

/** Pure: later parts override earlier ones, per the drop-in rules. */
export function mergeRegistriesConfs(parts: readonly RegistriesConfPart[]): RegistriesConfig {
  let search: readonly string[] | undefined;
  let mode: ShortNameMode | undefined;
  const registries = new Map<string, RegistryEntry>();
  const aliases: Record<string, string> = {};
  for (const part of parts) {
    if (part.unqualifiedSearchRegistries !== undefined) search = part.unqualifiedSearchRegistries;
    if (part.shortNameMode !== undefined) mode = part.shortNameMode;
    for (const entry of part.registries) {
      registries.delete(entry.prefix); // re-insert so that order follows the latest definition
      registries.set(entry.prefix, entry);
    }
    for (const [name, value] of Object.entries(part.aliases)) {
      if (value === '') delete aliases[name];
      else aliases[name] = value;
    }
  }
  return {
    unqualifiedSearchRegistries: search ?? DEFAULT_SEARCH_REGISTRIES,
    registries: [...registries.values()],
    shortNameMode: mode ?? 'permissive',
    aliases,
    sources: parts.map((p) => p.source),
  };
}

export interface RegistriesConfOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Directory holding the system registries.conf; `/etc/containers` (tests point it elsewhere). */
  systemDir?: string;
}

/** Pure: the main file and the drop-in directories to read, in order. */
export function registriesConfLocations(opts: RegistriesConfOptions, exists: (file: string) => boolean): { files: string[]; dropInDirs: string[] } {
  const env = opts.env ?? process.env;
  const home = opts.home ?? env.HOME ?? os.homedir();
  const systemDir = opts.systemDir ?? '/etc/containers';
  if (env.CONTAINERS_REGISTRIES_CONF) return { files: [env.CONTAINERS_REGISTRIES_CONF], dropInDirs: [] };
  const userFile = path.join(home, '.config', 'containers', 'registries.conf');
  const userDropIns = path.join(home, '.config', 'containers', 'registries.conf.d');
  if (exists(userFile)) return { files: [userFile], dropInDirs: [userDropIns] };
  return { files: [path.join(systemDir, 'registries.conf')], dropInDirs: [path.join(systemDir, 'registries.conf.d'), userDropIns] };
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new TsctrError(`cannot read ${file}: ${(err as Error).message}`, 125, { cause: err });
  }
}

function dropInFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true);
}

/** Reads and merges the registries.conf files that apply. Missing files are not an error. */
export function loadRegistriesConfig(opts: RegistriesConfOptions = {}): RegistriesConfig {
  const { files, dropInDirs } = registriesConfLocations(opts, (file) => fs.existsSync(file));
  const parts: RegistriesConfPart[] = [];
  for (const file of [...files, ...dropInDirs.flatMap(dropInFiles)]) {
    const text = readIfExists(file);
    if (text !== undefined) parts.push(parseRegistriesConf(text, file));
  }
  return mergeRegistriesConfs(parts);
}

/**
 * Length of the part of `name` (a full reference string like `docker.io/library/alpine:latest`)
 * matched by `prefix`, or -1. A prefix matches whole components only: followed by end, `/`, `@`,
 * or `:` (the latter only once the prefix has a path, so `example.com` does not match
 * `example.com:5000/x`). `*.example.com` matches any subdomain of example.com.
 */
export function prefixMatchLength(name: string, prefix: string): number {
  if (prefix.startsWith('*.')) {
    const suffix = prefix.slice(1); // ".example.com"
    const hostEnd = name.search(/[/:@]|$/);
    const host = name.slice(0, hostEnd);
    return host.endsWith(suffix) && host.length > suffix.length ? hostEnd : -1;
  }
  if (!name.startsWith(prefix)) return -1;
  if (name.length === prefix.length) return prefix.length;
  const next = name[prefix.length];
  if (next === '/' || next === '@' || (next === ':' && prefix.includes('/'))) return prefix.length;
  return -1;
}

/**
 * The `[[registry]]` whose prefix matches `name` longest, if any. On equal length (a wildcard and
 * an exact host, or two wildcards) the exact prefix wins, then the longer wildcard.
 */
export function findRegistryEntry(config: RegistriesConfig, name: string): { entry: RegistryEntry; matchLength: number } | undefined {
  const rank = (entry: RegistryEntry, matchLength: number): [number, number, number] => [matchLength, entry.prefix.startsWith('*.') ? 0 : 1, entry.prefix.length];
  let best: { entry: RegistryEntry; matchLength: number; rank: [number, number, number] } | undefined;
  for (const entry of config.registries) {
    const matchLength = prefixMatchLength(name, entry.prefix);
    if (matchLength < 0) continue;
    const r = rank(entry, matchLength);
    if (!best || r[0] > best.rank[0] || (r[0] === best.rank[0] && (r[1] > best.rank[1] || (r[1] === best.rank[1] && r[2] > best.rank[2])))) {
      best = { entry, matchLength, rank: r };
    }
  }
  return best && { entry: best.entry, matchLength: best.matchLength };
}

export { resolvePullCandidates } from './pull-candidates';
export type { PullCandidate, ResolveOptions } from './pull-candidates';
