/** Pure: the generated /etc/hostname, /etc/hosts and /etc/resolv.conf of a container. */

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

/** An /etc/hosts line: one address, its names. */
export interface HostsLine {
  readonly ip: string;
  readonly names: readonly string[];
}

/**
 * localhost, then the container's own address (`own`, default 127.0.1.1 with the hostname), then
 * `extra` lines (network aliases such as host.containers.internal, --add-host).
 */
export function hostsFile(hostname: string, own: HostsLine = { ip: '127.0.1.1', names: [hostname] }, extra: readonly HostsLine[] = []): string {
  return [
    '127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4',
    '::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6',
    ...[own, ...extra].map((line) => `${line.ip}\t${line.names.join(' ')}`),
    '',
  ].join('\n');
}

/**
 * The host's resolv.conf with loopback nameservers removed (127.x and ::1 are the host's own
 * resolver, unreachable from the container's network namespace). search/options lines are kept.
 * Like podman, the host's servers are kept for --network none too: the file is the same, there is
 * just no route to them. With no usable nameserver left, the file has none (podman adds public
 * resolvers; we do not send queries anywhere the user did not configure).
 */
export function resolvConfFile(hostResolvConf: string, overrides: ResolvOverrides = {}): string {
  const servers: string[] = [];
  const search: string[] = [];
  const options: string[] = [];
  for (const line of hostResolvConf.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const [keyword, value] = trimmed.split(/\s+/, 2);
    if (keyword === 'nameserver' && value !== undefined && (overrides.keepLoopback || !isLoopback(value))) servers.push(trimmed);
    if (keyword === 'search' || keyword === 'domain') search.push(trimmed);
    if (keyword === 'options') options.push(trimmed);
  }
  const out = [
    ...(overrides.nameservers ? overrides.nameservers.map((ns) => `nameserver ${ns}`) : [...(overrides.firstNameservers ?? []).map((ns) => `nameserver ${ns}`), ...servers]),
    ...(overrides.search ? (overrides.search.length > 0 ? [`search ${overrides.search.join(' ')}`] : []) : search),
    ...options,
    ...(overrides.options && overrides.options.length > 0 ? [`options ${overrides.options.join(' ')}`] : []),
  ];
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

/** What the container's network and --dns* flags change in the host's resolv.conf. */
export interface ResolvOverrides {
  /** --dns: replaces every nameserver. */
  readonly nameservers?: readonly string[];
  /** The network's own resolver (slirp4netns 10.0.2.3), put before the host's servers. */
  readonly firstNameservers?: readonly string[];
  /** --dns-search: replaces search/domain lines (an empty list removes them). */
  readonly search?: readonly string[];
  /** --dns-option: added options. */
  readonly options?: readonly string[];
  /** --network host: the host's own resolver (127.0.0.53, ...) is reachable. */
  readonly keepLoopback?: boolean;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '0:0:0:0:0:0:0:1';
}
