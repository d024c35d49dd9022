/**
 * Pure planning of a container's record from the user's request and the image's config: the
 * process (docker's Entrypoint/Cmd rules, environment order, working dir: ../policy/process),
 * labels, stop signal, hostname, security options. All input validation happens here, before
 * anything is written.
 */
import { TsctrError } from '../../errors';
import type { IdMappings } from '../idmap';
import type { MountSpec } from '../mounts/mount-spec';
import { hasLimits, type ContainerCgroupSettings, type ResourceLimits } from '../../cgroups/limits';
import type {
  ContainerConfig, ContainerSecuritySpec, ContainerUserNamespace, StorageDriver,
} from '../container-types';
import type { ContainerNetworkConfig } from '../../network/types';
import type { ContainerIdentity } from './store';
import { shortId } from './ids';
import { parseSignal } from './signals';
import { parseEntrypointFlag, parseEnvFlag, planCommand, planEnv, planWorkingDir, type EnvEntry } from '../policy/process';

/** The parts of an image's config (OCI/Docker `config` object) a container uses. */
export interface ImageRuntimeConfig {
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Env?: readonly string[] | null;
  readonly WorkingDir?: string | null;
  readonly User?: string | null;
  readonly StopSignal?: string | null;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly ExposedPorts?: Readonly<Record<string, unknown>> | null;
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
  /** Entries already read from --env-file files (policy/process parseEnvFile), in order. */
  readonly envFromFiles: readonly EnvEntry[];
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
  readonly network: ContainerNetworkConfig;
  readonly security: ContainerSecuritySpec;
  readonly userns: { readonly mode: ContainerUserNamespace['mode']; readonly mappings: IdMappings };
  /** Planned by runtime/mounts/plan-user-mounts.ts (anonymous volumes already named). */
  readonly mounts?: readonly MountSpec[];
  /** Resource limits and cgroup settings (runtime/../cgroups). */
  readonly resources?: ResourceLimits;
  readonly cgroups?: ContainerCgroupSettings;
}

export const DEFAULT_STOP_TIMEOUT = 10;

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
  planWorkingDir(request.workdir, undefined);
  planLabels({}, request.labels);
  for (const entry of request.env) parseEnvFlag(entry);
}

const nonEmpty = (words: string[] | null): string[] | null => (words && words.length > 0 ? words : null);

/** Pure: the container's config.json. */
export function planContainerConfig(identity: ContainerIdentity, request: CreateRequest, image: ResolvedImage, hostEnv: NodeJS.ProcessEnv): ContainerConfig {
  validateCreateRequest(request);
  const { argv, entrypoint, cmd } = planCommand({ imageEntrypoint: image.config.Entrypoint, imageCmd: image.config.Cmd, entrypoint: request.entrypoint, args: request.command });
  const hostname = request.hostname ?? shortId(identity.id);
  const stopSignal = parseSignal(request.stopSignal ?? (image.config.StopSignal || 'SIGTERM'), request.stopSignal ? '--stop-signal' : 'image StopSignal').name;
  return {
    id: identity.id,
    name: identity.name,
    created: identity.created,
    image: { id: image.id, name: image.name, layers: [...image.layers] },
    process: {
      args: argv,
      env: planEnv({ imageEnv: image.config.Env ?? [], envFileEntries: request.envFromFiles, cliEnv: request.env.map(parseEnvFlag), callerEnv: hostEnv, hostname, tty: request.tty }),
      cwd: planWorkingDir(request.workdir, image.config.WorkingDir ?? undefined),
      user: request.user ?? image.config.User ?? '',
      groupAdd: [...request.groupAdd],
      terminal: request.tty,
      stdin: request.interactive,
    },
    entrypoint: nonEmpty(entrypoint),
    cmd: nonEmpty(cmd),
    labels: planLabels(image.config.Labels, request.labels),
    hostname,
    stopSignal,
    stopTimeout: request.stopTimeout ?? DEFAULT_STOP_TIMEOUT,
    init: request.init,
    autoRemove: request.autoRemove,
    security: request.security,
    userns: { mode: request.userns.mode, uidMap: request.userns.mappings.uidMap, gidMap: request.userns.mappings.gidMap },
    storageDriver: request.storageDriver,
    network: request.network,
    mounts: [...(request.mounts ?? [])],
    ...(request.resources !== undefined && hasLimits(request.resources) ? { resources: request.resources } : {}),
    ...(request.cgroups !== undefined ? { cgroups: request.cgroups } : {}),
  };
}
