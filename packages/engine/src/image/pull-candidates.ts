/**
 * Pure: what to try, in order, when pulling a reference, per containers-registries.conf(5).
 *
 *   resolvePullCandidates('alpine', config) ->
 *     [{ imageName: 'docker.io/library/alpine:latest', reference, endpoints: [mirrors..., location] }, ...]
 *
 * Short names: an `[aliases]` entry wins; otherwise one candidate per unqualified-search registry,
 * in order. `short-name-mode = "enforcing"` would prompt on a terminal when there are several
 * search registries; tsctr never prompts, so enforcing behaves like permissive (all registries are
 * tried in order) — documented in docs/decisions.md.
 * For each candidate the longest-prefix `[[registry]]` applies: `blocked` drops it (TsctrError if
 * every candidate is blocked), `location` rewrites it, mirrors come first (respecting
 * mirror-by-digest-only and pull-from-mirror). `insecure` comes from the table, or from the
 * caller's `tlsVerify` (false: every endpoint insecure; true: none).
 */
import { TsctrError } from '../errors';
import type { RegistryEndpoint } from './endpoint';
import { findRegistryEntry, type RegistriesConfig, type RegistryEntry } from './registries-conf';
import { formatReference, isShortName, parseReference, qualifyReference, withDefaultTag, type ImageReference, type QualifiedReference } from './reference';

export interface PullEndpoint extends RegistryEndpoint {
  /** What to ask the registry for: the digest when there is one, else the tag. */
  readonly tagOrDigest: string;
}

export interface PullCandidate {
  /** The name the image gets locally, e.g. `docker.io/library/alpine:latest`. */
  readonly imageName: string;
  readonly reference: QualifiedReference;
  /** Mirrors first, then the primary location. Non-empty. */
  readonly endpoints: readonly PullEndpoint[];
}

export interface ResolveOptions {
  /** `--tls-verify`: undefined keeps registries.conf's `insecure`. */
  readonly tlsVerify?: boolean;
}

function candidateNames(input: string, ref: ImageReference, config: RegistriesConfig): QualifiedReference[] {
  if (!isShortName(ref)) return [qualifyReference(ref, ref.domain as string)];
  const alias = config.aliases[ref.path];
  if (alias !== undefined) {
    let target: ImageReference;
    try {
      target = parseReference(alias);
    } catch (err) {
      throw new TsctrError(`short-name alias "${ref.path}" = "${alias}" in registries.conf is invalid: ${(err as Error).message}`, 125, { cause: err });
    }
    if (isShortName(target) || target.tag !== undefined || target.digest !== undefined) {
      throw new TsctrError(`short-name alias "${ref.path}" = "${alias}" in registries.conf must be a fully qualified repository without tag or digest`);
    }
    return [qualifyReference({ ...target, tag: ref.tag, digest: ref.digest }, target.domain as string)];
  }
  if (config.unqualifiedSearchRegistries.length === 0) {
    throw new TsctrError(
      `cannot resolve short name "${input}": unqualified-search-registries is empty in ${config.sources.join(', ') || 'registries.conf'}; use a fully qualified name such as docker.io/${ref.path}`,
    );
  }
  return config.unqualifiedSearchRegistries.map((registry) => qualifyReference(ref, registry));
}

function endpointFrom(location: string, insecure: boolean, source: string): PullEndpoint {
  let ref: ImageReference;
  try {
    ref = parseReference(location, { firstComponentIsDomain: true });
  } catch (err) {
    throw new TsctrError(`registries.conf rewrites the image to "${location}", which is not a valid reference: ${(err as Error).message} (from ${source})`, 125, { cause: err });
  }
  const qualified = withDefaultTag(qualifyReference(ref, ref.domain as string));
  return { registry: qualified.domain, repository: qualified.path, insecure, tagOrDigest: qualified.digest ?? (qualified.tag as string) };
}

function usesMirror(entry: RegistryEntry, pullFromMirror: 'all' | 'digest-only' | 'tag-only', byDigest: boolean): boolean {
  if (entry.mirrorByDigestOnly) return byDigest;
  return pullFromMirror === 'all' || (pullFromMirror === 'digest-only') === byDigest;
}

function endpointsFor(name: QualifiedReference, config: RegistriesConfig, tlsVerify: boolean | undefined): PullEndpoint[] {
  const full = formatReference(name);
  const insecureFor = (configured: boolean) => (tlsVerify === undefined ? configured : !tlsVerify);
  const match = findRegistryEntry(config, full);
  if (!match) return [endpointFrom(full, insecureFor(false), full)];
  const { entry, matchLength } = match;
  const rest = full.slice(matchLength);
  const byDigest = name.digest !== undefined;
  const mirrors = entry.mirrors
    .filter((mirror) => usesMirror(entry, mirror.pullFromMirror, byDigest))
    .map((mirror) => endpointFrom(mirror.location + rest, insecureFor(mirror.insecure), `mirror of "${entry.prefix}"`));
  const primary = endpointFrom(entry.location === '' ? full : entry.location + rest, insecureFor(entry.insecure), `[[registry]] "${entry.prefix}"`);
  return [...mirrors, primary];
}

export function resolvePullCandidates(input: string, config: RegistriesConfig, opts: ResolveOptions = {}): PullCandidate[] {
  const ref = parseReference(input);
  const candidates: PullCandidate[] = [];
  const blocked: string[] = [];
  for (const name of candidateNames(input, ref, config).map((n) => withDefaultTag(n))) {
    const imageName = formatReference(name);
    const entry = findRegistryEntry(config, imageName)?.entry;
    if (entry?.blocked) {
      blocked.push(`${imageName} (prefix "${entry.prefix}")`);
      continue;
    }
    candidates.push({ imageName, reference: name, endpoints: endpointsFor(name, config, opts.tlsVerify) });
  }
  if (candidates.length === 0) {
    throw new TsctrError(`cannot pull "${input}": blocked in registries.conf: ${blocked.join(', ')}`);
  }
  return candidates;
}
