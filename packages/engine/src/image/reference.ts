/**
 * Image references in the docker/podman grammar (distribution's reference package):
 *
 *   [domain[:port]/]path[:tag][@algorithm:hex]
 *
 * - `parseReference(input)` -> ImageReference, or TsctrError naming the reference and the problem.
 *   A reference whose first path component has no `.` or `:` and is not `localhost` is a *short
 *   name*: `domain` is undefined and registries.conf decides where it comes from.
 * - `qualifyReference(ref, domain)` fills in the domain of a short name and applies Docker Hub's
 *   `library/` rule; `withDefaultTag` adds `latest` when there is neither tag nor digest.
 * - `formatReference(ref)` -> `host/repo:tag`, `host/repo@sha256:...` (or both); `familiarName`
 *   drops `docker.io/` and `library/` for display, like docker does.
 */
import { TsctrError } from '../errors';

export interface ImageReference {
  /** Registry host[:port]; undefined for a short name. `index.docker.io` is normalised to `docker.io`. */
  readonly domain?: string;
  /** Repository path inside the registry, e.g. `library/alpine` or `a/b`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A reference whose registry is known. */
export interface QualifiedReference extends ImageReference {
  readonly domain: string;
}

export const DOCKER_HUB = 'docker.io';
export const DEFAULT_TAG = 'latest';

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagGrammar = /^[\w][\w.-]{0,127}$/;
const domainGrammar = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const digestGrammar = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAX_NAME_LENGTH = 255;

function invalid(input: string, problem: string): TsctrError {
  return new TsctrError(`invalid image reference "${input}": ${problem}`);
}

/** True when the first `/`-separated component of a name is a registry domain. */
export function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export interface ParseReferenceOptions {
  /** Take the first path component as the domain even without `.`/`:` (registries.conf locations). */
  readonly firstComponentIsDomain?: boolean;
}

export function parseReference(input: string, opts: ParseReferenceOptions = {}): ImageReference {
  if (input === '') throw invalid(input, 'it is empty');
  if (/\s/.test(input)) throw invalid(input, 'it contains whitespace');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestGrammar.test(digest)) throw invalid(input, `"${digest}" is not a digest (expected sha256:<64 hex digits>)`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) throw invalid(input, 'a sha256 digest needs 64 lowercase hex digits');
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagGrammar.test(tag)) throw invalid(input, `tag "${tag}" is invalid (letters, digits, _ . -; at most 128; not starting with . or -)`);
  }

  const name = rest;
  if (name === '') throw invalid(input, 'the repository name is empty');
  if (name.length > MAX_NAME_LENGTH) throw invalid(input, `the repository name is longer than ${MAX_NAME_LENGTH} characters`);

  const slash = name.indexOf('/');
  let domain: string | undefined;
  let path = name;
  if (slash !== -1 && (opts.firstComponentIsDomain === true || looksLikeDomain(name.slice(0, slash)))) {
    domain = name.slice(0, slash);
    path = name.slice(slash + 1);
    if (!domainGrammar.test(domain)) throw invalid(input, `"${domain}" is not a valid registry host[:port]`);
  }
  if (path === '') throw invalid(input, 'the repository name is empty');
  for (const component of path.split('/')) {
    if (component === '') throw invalid(input, 'the repository name has an empty path component');
    if (!pathComponent.test(component)) {
      if (pathComponent.test(component.toLowerCase())) throw invalid(input, 'repository name must be lowercase');
      throw invalid(input, `"${component}" is not a valid repository path component (lowercase letters, digits, separators . _ __ -)`);
    }
  }
  if (domain === undefined && tag === undefined && digest === undefined && /^[a-f0-9]{64}$/.test(path)) {
    throw invalid(input, 'a 64 hex digit string is an image ID, not a repository name');
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  return { ...(domain !== undefined && { domain }), path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function isShortName(ref: ImageReference): boolean {
  return ref.domain === undefined;
}

/**
 * The reference as `domain` knows it: a short name gets `domain`; on Docker Hub a one-component
 * path gets `library/`. A reference that already has a domain keeps it (only the library rule applies).
 */
export function qualifyReference(ref: ImageReference, domain: string): QualifiedReference {
  const host = ref.domain ?? (domain === 'index.docker.io' ? DOCKER_HUB : domain);
  const path = host === DOCKER_HUB && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  return { ...ref, domain: host, path };
}

export function withDefaultTag<T extends ImageReference>(ref: T): T {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** `domain/path` (no tag or digest). */
export function repositoryName(ref: ImageReference): string {
  return ref.domain === undefined ? ref.path : `${ref.domain}/${ref.path}`;
}

/** `host/repo:tag`, `host/repo@sha256:...` or `host/repo:tag@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Docker's display form: `docker.io/library/alpine:3` -> `alpine:3`, `docker.io/u/app` -> `u/app`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DOCKER_HUB) return formatReference(ref);
  const path = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice('library/'.length) : ref.path;
  return formatReference({ ...ref, domain: undefined, path });
}
