/**
 * Where a repository is actually fetched from, and whether plain http may be used there.
 * Plain http is allowed only for loopback registries (localhost, 127.0.0.0/8, ::1), registries
 * marked `insecure` in registries.conf, or when the user passed `--tls-verify=false` (both of the
 * latter arrive here as `insecure: true`).
 */

export interface RegistryEndpoint {
  /** host[:port], e.g. `registry-1.docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path at that registry, e.g. `library/alpine`. */
  readonly repository: string;
  /** TLS errors tolerated and plain http allowed. */
  readonly insecure: boolean;
}

/** The host part of `host[:port]` (brackets of an IPv6 literal removed). */
export function registryHostname(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon === -1 ? registry : registry.slice(0, colon);
}

export function isLoopbackRegistry(registry: string): boolean {
  const host = registryHostname(registry).toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function plainHttpAllowed(endpoint: Pick<RegistryEndpoint, 'registry' | 'insecure'>): boolean {
  return endpoint.insecure || isLoopbackRegistry(endpoint.registry);
}

/** Docker Hub's API lives at registry-1.docker.io, not at docker.io. */
export function apiHostFor(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}
