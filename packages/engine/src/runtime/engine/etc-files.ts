/** Pure: the generated /etc/hostname, /etc/hosts and /etc/resolv.conf of a container. */

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

export function hostsFile(hostname: string): string {
  return [
    '127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4',
    '::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6',
    `127.0.1.1\t${hostname}`,
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
export function resolvConfFile(hostResolvConf: string): string {
  const out: string[] = [];
  for (const line of hostResolvConf.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const [keyword, value] = trimmed.split(/\s+/, 2);
    if (keyword === 'nameserver' && value !== undefined && isLoopback(value)) continue;
    if (keyword === 'nameserver' || keyword === 'search' || keyword === 'domain' || keyword === 'options') out.push(trimmed);
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '0:0:0:0:0:0:0:1';
}
