/**
 * Registry credentials in the containers-auth.json(5) / docker config.json format
 * (`{"auths": {"<host[/path]>": {"auth": base64("user:password")}}}`).
 *
 * Read order (first file with a matching entry wins):
 *   `$REGISTRY_AUTH_FILE` alone when set; otherwise
 *   1. `$XDG_RUNTIME_DIR/containers/auth.json` (the primary file; `~/.config/containers/auth.json`
 *      when XDG_RUNTIME_DIR is unset — containers/image would use /run/containers/$UID, which an
 *      unprivileged user usually cannot create),
 *   2. `$XDG_CONFIG_HOME/containers/auth.json` (default `~/.config/containers/auth.json`),
 *   3. `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`).
 * Within a file, keys are matched most specific first: `host/ns/repo`, `host/ns`, `host`; keys may
 * be written as URLs (`https://host/v1/`) and Docker Hub's aliases (index.docker.io, ...) count as docker.io.
 *
 * - `authFileLocations(opts)` (pure) -> { primary, readOrder }
 * - `findCredentials(registry, repository, opts)` -> Credentials | undefined
 * - `saveCredentials(key, username, password, opts)` (login) -> path written (atomic, mode 0600)
 * - `removeCredentials(key, opts)` (logout) -> what happened
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsctrError } from '../errors';
import { writeFileAtomic } from '../storage/atomic';

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** An OAuth2 refresh token (docker's `identitytoken`), used instead of the password for token requests. */
  readonly identityToken?: string;
}

export interface AuthOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** `--authfile`: like REGISTRY_AUTH_FILE, the only file read and written. */
  authFile?: string;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface AuthFileContent {
  auths?: Record<string, AuthEntry>;
  [other: string]: unknown;
}

const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Pure: where credentials are read from (in order) and which file login/logout change. */
export function authFileLocations(opts: AuthOptions = {}): { primary: string; readOrder: string[] } {
  const env = opts.env ?? process.env;
  const explicit = opts.authFile || env.REGISTRY_AUTH_FILE;
  if (explicit) return { primary: explicit, readOrder: [explicit] };
  const home = opts.home ?? env.HOME ?? os.homedir();
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  const userFile = path.join(configHome, 'containers', 'auth.json');
  const runtimeDir = env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
  const primary = runtimeDir ? path.join(runtimeDir, 'containers', 'auth.json') : userFile;
  const dockerFile = path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'config.json');
  return { primary, readOrder: [...new Set([primary, userFile, dockerFile])] };
}

/** `https://Host:5000/v1/` -> `host:5000`, `quay.io/a/b` -> `quay.io/a/b`; Docker Hub aliases -> docker.io. */
export function normalizeAuthKey(key: string): string {
  let rest = key.trim().replace(/^[a-z]+:\/\//i, '');
  rest = rest.replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  let host = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  let tail = slash === -1 ? '' : rest.slice(slash);
  if (dockerHubAliases.has(host)) host = 'docker.io';
  // URL-style keys carry API paths (/v1, /v2), not repositories.
  if (key.includes('://') && /^\/v[12](\/|$)/.test(tail)) tail = '';
  return host + tail;
}

/** Decodes one entry; a malformed entry is skipped (like docker does) rather than failing the pull. */
function decodeEntry(entry: AuthEntry): Credentials | undefined {
  const identityToken = typeof entry.identitytoken === 'string' && entry.identitytoken !== '' ? entry.identitytoken : undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, ''), ...(identityToken && { identityToken }) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  return undefined;
}

async function readAuthFile(file: string): Promise<AuthFileContent | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TsctrError(`cannot read credentials file ${file}: ${(err as Error).message}`, 125, { cause: err });
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TsctrError(`credentials file ${file} is not valid JSON (${(err as Error).message}); fix or remove it`, 125, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TsctrError(`credentials file ${file} must hold a JSON object`);
  const content = value as AuthFileContent;
  if (content.auths !== undefined && (typeof content.auths !== 'object' || content.auths === null)) throw new TsctrError(`credentials file ${file}: "auths" must be an object`);
  return content;
}

/** Pure: the keys to look up for a repository, most specific first. */
export function authLookupKeys(registry: string, repository?: string): string[] {
  const host = normalizeAuthKey(registry);
  const keys: string[] = [];
  if (repository) {
    const parts = repository.split('/');
    for (let n = parts.length; n > 0; n--) keys.push(`${host}/${parts.slice(0, n).join('/')}`);
  }
  keys.push(host);
  return keys;
}

/** Pure: the credentials `content` holds for the repository, if any. */
export function credentialsFromContent(content: AuthFileContent, registry: string, repository?: string): Credentials | undefined {
  const byKey = new Map<string, AuthEntry>();
  for (const [key, entry] of Object.entries(content.auths ?? {})) {
    const normalized = normalizeAuthKey(key);
    if (typeof entry === 'object' && entry !== null && !byKey.has(normalized)) byKey.set(normalized, entry);
  }
  for (const key of authLookupKeys(registry, repository)) {
    const entry = byKey.get(key);
    const credentials = entry && decodeEntry(entry);
    if (credentials) return credentials;
  }
  return undefined;
}

/** Credentials for `registry` (host[:port], as contacted) and optionally a repository there. */
export async function findCredentials(registry: string, repository: string | undefined, opts: AuthOptions = {}): Promise<Credentials | undefined> {
  for (const file of authFileLocations(opts).readOrder) {
    const content = await readAuthFile(file);
    const credentials = content && credentialsFromContent(content, registry, repository);
    if (credentials) return credentials;
  }
  return undefined;
}

function checkLoginKey(key: string): string {
  const normalized = normalizeAuthKey(key);
  if (normalized === '' || /\s/.test(normalized) || normalized.startsWith('/')) {
    throw new TsctrError(`invalid registry "${key}": expected host[:port][/namespace], e.g. localhost:5000 or quay.io/team`);
  }
  return normalized;
}

async function writeAuthFile(file: string, content: AuthFileContent): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(content, null, '\t')}\n`, 0o600);
}

/** `tsctr login`: stores `username:password` under `key` in the primary file. Returns that file. */
export async function saveCredentials(key: string, username: string, password: string, opts: AuthOptions = {}): Promise<string> {
  const normalized = checkLoginKey(key);
  if (username === '' || username.includes(':')) throw new TsctrError('username must be non-empty and must not contain ":"');
  const file = authFileLocations(opts).primary;
  const content = (await readAuthFile(file)) ?? {};
  const auths: Record<string, AuthEntry> = { ...(content.auths ?? {}) };
  for (const existing of Object.keys(auths)) if (normalizeAuthKey(existing) === normalized) delete auths[existing];
  auths[normalized] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  await writeAuthFile(file, { ...content, auths });
  return file;
}

export type RemoveCredentialsResult =
  | { readonly removed: true; readonly file: string }
  /** `otherFile`: credentials exist, but in a file tsctr does not write (e.g. ~/.docker/config.json). */
  | { readonly removed: false; readonly otherFile?: string };

/** `tsctr logout`: removes `key` from the primary file. */
export async function removeCredentials(key: string, opts: AuthOptions = {}): Promise<RemoveCredentialsResult> {
  const normalized = checkLoginKey(key);
  const { primary, readOrder } = authFileLocations(opts);
  const content = await readAuthFile(primary);
  const matching = Object.keys(content?.auths ?? {}).filter((k) => normalizeAuthKey(k) === normalized);
  if (content && matching.length > 0) {
    const auths = { ...content.auths };
    for (const k of matching) delete auths[k];
    await writeAuthFile(primary, { ...content, auths });
    return { removed: true, file: primary };
  }
  for (const file of readOrder.slice(1)) {
    const other = await readAuthFile(file);
    if (other && Object.keys(other.auths ?? {}).some((k) => normalizeAuthKey(k) === normalized)) return { removed: false, otherFile: file };
  }
  return { removed: false };
}

/** `tsctr logout --all`: empties `auths` in the primary file. Returns whether the file existed. */
export async function removeAllCredentials(opts: AuthOptions = {}): Promise<boolean> {
  const file = authFileLocations(opts).primary;
  const content = await readAuthFile(file);
  if (!content) return false;
  await writeAuthFile(file, { ...content, auths: {} });
  return true;
}
