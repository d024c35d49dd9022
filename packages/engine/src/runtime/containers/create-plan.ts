/**
 * Pure planning of a container's record from the user's request and the image's config: docker's
 * Entrypoint/Cmd rules, environment order, labels, stop signal, hostname, security options. All
 * input validation happens here, before anything is written.
 */
import { TsctrError } from '../../errors';
import type { IdMappings } from '../idmap';
import type {
  ContainerConfig, ContainerSecuritySpec, ContainerUserNamespace, StorageDriver,
} from '../container-types';
import type { ContainerIdentity } from './store';
import { shortId } from './ids';
import { parseSignal } from './signals';

/** The parts of an image's config (OCI/Docker `config` object) a container uses. */
export interface ImageRuntimeConfig {
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Env?: readonly string[] | null;
  readonly WorkingDir?: string | null;
  readonly User?: string | null;
  readonly StopSignal?: string | null;
  readonly Labels?: Readonly<Record<string, string>> | null;
}

export interface ResolvedImage {
  readonly id: string;
  /** Full name as resolved, e.g. localhost:5000/busybox:latest. */
  readonly name: string;
  readonly layers: readonly string[];
  readonly config: ImageRuntimeConfig;
}

/** What `create`/`run` asked for, already split into lists but not yet validated. */
export interface CreateRequest {
  readonly name?: string;
  /** Arguments after the image (empty: the image's Cmd). */
  readonly command: readonly string[];
  /** --entrypoint as given: a command, a JSON array, or "" to clear the image's. */
  readonly entrypoint?: string;
  /** -e entries: KEY=VALUE, or KEY to copy it from `hostEnv`. */
  readonly env: readonly string[];
  /** Entries already read from --env-file files, in order. */
  readonly envFromFiles: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly groupAdd: readonly string[];
  readonly hostname?: string;
  readonly init: boolean;
  readonly readOnly: boolean;
  readonly stopSignal?: string;
  readonly stopTimeout?: number;
  readonly labels: readonly string[];
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly autoRemove: boolean;
  readonly storageDriver: StorageDriver;
  readonly network: string;
  readonly security: ContainerSecuritySpec;
  readonly userns: { readonly mode: ContainerUserNamespace['mode']; readonly mappings: IdMappings };
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_STOP_TIMEOUT = 10;

/** --entrypoint: a JSON array is taken as argv; anything else is one word; "" clears it. */
export function parseEntrypointFlag(value: string): string[] {
  if (value === '') return [];
  if (value.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new TsctrError(`invalid --entrypoint ${value}: it starts with "[" but is not a JSON array of strings`);
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
      throw new TsctrError(`invalid --entrypoint ${value}: expected a JSON array of strings`);
    }
    return parsed as string[];
  }
  return [value];
}

/**
 * docker's rule: --entrypoint replaces the image's Entrypoint and drops its Cmd; a command given on
 * the command line replaces Cmd. argv = entrypoint + cmd, which must not be empty.
 */
export function planCommand(request: Pick<CreateRequest, 'entrypoint' | 'command'>, image: ImageRuntimeConfig): { entrypoint: string[]; cmd: string[]; args: string[] } {
  const entrypoint = request.entrypoint !== undefined ? parseEntrypointFlag(request.entrypoint) : [...(image.Entrypoint ?? [])];
  const cmd = request.command.length > 0 ? [...request.command] : request.entrypoint !== undefined ? [] : [...(image.Cmd ?? [])];
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new TsctrError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image: give a command after the image name');
  }
  return { entrypoint, cmd, args };
}

function checkEnvEntry(entry: string, source: string): void {
  const key = entry.split('=', 1)[0];
  if (key === '' || /\s/.test(key)) throw new TsctrError(`invalid environment variable "${entry}" in ${source}: expected KEY=VALUE with a non-empty KEY without spaces`);
}

/**
 * Environment in precedence order (later wins, order of first appearance kept): image Env,
 * --env-file, -e. `-e KEY` copies KEY from the host (dropped if unset). PATH defaults like docker;
 * TERM=xterm with a terminal; HOSTNAME is the container's hostname.
 */
export function planEnv(imageEnv: readonly string[], fromFiles: readonly string[], flags: readonly string[], hostEnv: NodeJS.ProcessEnv, extra: { tty: boolean; hostname: string }): string[] {
  const merged = new Map<string, string>();
  const put = (entry: string): void => {
    const eq = entry.indexOf('=');
    merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  };
  for (const e of imageEnv) if (e.includes('=')) put(e);
  merged.set('HOSTNAME', extra.hostname);
  for (const e of fromFiles) {
    checkEnvEntry(e, '--env-file');
    put(e);
  }
  for (const e of flags) {
    checkEnvEntry(e, '-e/--env');
    if (e.includes('=')) put(e);
    else if (hostEnv[e] !== undefined) put(`${e}=${hostEnv[e]}`);
  }
  if (!merged.has('PATH')) merged.set('PATH', DEFAULT_PATH);
  if (extra.tty && !merged.has('TERM')) merged.set('TERM', 'xterm');
  return [...merged].map(([k, v]) => `${k}=${v}`);
}

/** --label KEY=VALUE (or KEY for an empty value) over the image's labels. */
export function planLabels(imageLabels: Readonly<Record<string, string>> | null | undefined, flags: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = { ...(imageLabels ?? {}) };
  for (const l of flags) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    if (key.trim() === '') throw new TsctrError(`invalid --label "${l}": expected KEY=VALUE`);
    labels[key] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return labels;
}

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/;

export function validateHostname(hostname: string): void {
  if (!HOSTNAME.test(hostname)) throw new TsctrError(`invalid --hostname "${hostname}": use at most 64 letters, digits, dots and dashes, starting with a letter or digit`);
}

export function validateStopTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0) throw new TsctrError(`invalid --stop-timeout "${seconds}": give a whole number of seconds, 0 or more`);
}

/** Validates every part of a request that does not depend on the image (run before any pull). */
export function validateCreateRequest(request: Omit<CreateRequest, 'userns'>): void {
  if (request.hostname !== undefined) validateHostname(request.hostname);
  if (request.stopTimeout !== undefined) validateStopTimeout(request.stopTimeout);
  if (request.stopSignal !== undefined) parseSignal(request.stopSignal, '--stop-signal');
  if (request.entrypoint !== undefined) parseEntrypointFlag(request.entrypoint);
  if (request.workdir !== undefined && !request.workdir.startsWith('/')) {
    throw new TsctrError(`invalid --workdir "${request.workdir}": the working directory must be an absolute path`);
  }
  planLabels({}, request.labels);
  for (const e of request.env) checkEnvEntry(e, '-e/--env');
  for (const e of request.envFromFiles) checkEnvEntry(e, '--env-file');
}

/** Pure: the container's config.json. */
export function planContainerConfig(identity: ContainerIdentity, request: CreateRequest, image: ResolvedImage, hostEnv: NodeJS.ProcessEnv): ContainerConfig {
  validateCreateRequest(request);
  const { entrypoint, cmd, args } = planCommand(request, image.config);
  const hostname = request.hostname ?? shortId(identity.id);
  const stopSignal = parseSignal(request.stopSignal ?? (image.config.StopSignal || 'SIGTERM'), request.stopSignal ? '--stop-signal' : 'image StopSignal').name;
  return {
    id: identity.id,
    name: identity.name,
    created: identity.created,
    image: { id: image.id, name: image.name, layers: [...image.layers] },
    process: {
      args,
      env: planEnv(image.config.Env ?? [], request.envFromFiles, request.env, hostEnv, { tty: request.tty, hostname }),
      cwd: request.workdir ?? (image.config.WorkingDir || '/'),
      user: request.user ?? image.config.User ?? '',
      groupAdd: [...request.groupAdd],
      terminal: request.tty,
      stdin: request.interactive,
    },
    entrypoint: entrypoint.length > 0 ? entrypoint : null,
    cmd: cmd.length > 0 ? cmd : null,
    labels: planLabels(image.config.Labels, request.labels),
    hostname,
    stopSignal,
    stopTimeout: request.stopTimeout ?? DEFAULT_STOP_TIMEOUT,
    init: request.init,
    autoRemove: request.autoRemove,
    security: request.security,
    userns: { mode: request.userns.mode, uidMap: request.userns.mappings.uidMap, gidMap: request.userns.mappings.gidMap },
    storageDriver: request.storageDriver,
    network: { mode: request.network, options: [] },
  };
}
