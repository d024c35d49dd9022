/**
 * Pure: `-p/--publish` specs, `-P` from the image's ExposedPorts, and the ways ports are shown
 * (`ps` PORTS, `tsctr port`, inspect's NetworkSettings.Ports).
 */
import { isIP } from 'node:net';
import { TsctrError } from '../errors';
import type { PortMapping, PortProtocol } from './types';

const FORMAT = '[ip:][hostPort:]containerPort[/tcp|/udp], e.g. 8080:80, 127.0.0.1:8080:80/udp, 8000-8010:80-90';

interface PortRange {
  readonly start: number;
  readonly count: number;
}

function parseRange(text: string, spec: string, what: string): PortRange {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = m ? Number(m[1]) : NaN;
  const end = m && m[2] !== undefined ? Number(m[2]) : start;
  if (!m || start < 1 || end > 65535 || end < start) {
    throw new TsctrError(`invalid port spec "${spec}": ${what} "${text}" must be a port from 1 to 65535 or a range START-END; format ${FORMAT}`);
  }
  return { start, count: end - start + 1 };
}

function parseProtocols(text: string | undefined, spec: string): PortProtocol[] {
  if (text === undefined) return ['tcp'];
  const protocols = text.split(',').map((p) => p.trim().toLowerCase());
  for (const p of protocols) {
    if (p !== 'tcp' && p !== 'udp') throw new TsctrError(`invalid port spec "${spec}": protocol "${p}" is not supported; use tcp or udp`);
  }
  return [...new Set(protocols)] as PortProtocol[];
}

/** Splits `[ip:][host:]container` (ip may be [v6]) into its parts. */
function splitSpec(body: string, spec: string): { ip: string; host: string; container: string } {
  let ip = '';
  let rest = body;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close < 0) throw new TsctrError(`invalid port spec "${spec}": an IPv6 address needs the form [ADDR]:hostPort:containerPort`);
    ip = rest.slice(1, close);
    rest = rest.slice(close + 2);
    const parts = rest.split(':');
    if (parts.length !== 2) throw new TsctrError(`invalid port spec "${spec}": format ${FORMAT}`);
    return { ip, host: parts[0] as string, container: parts[1] as string };
  }
  const parts = rest.split(':');
  if (parts.length === 1) return { ip, host: '', container: parts[0] as string };
  if (parts.length === 2) return { ip, host: parts[0] as string, container: parts[1] as string };
  if (parts.length === 3) return { ip: parts[0] as string, host: parts[1] as string, container: parts[2] as string };
  throw new TsctrError(`invalid port spec "${spec}": too many ":"; format ${FORMAT} (IPv6 addresses go in brackets)`);
}

/** One `-p` value -> one mapping per port and protocol. hostPort 0 = pick a free port at create. */
export function parsePublishSpec(spec: string): PortMapping[] {
  const slash = spec.lastIndexOf('/');
  const body = slash < 0 ? spec : spec.slice(0, slash);
  const protocols = parseProtocols(slash < 0 ? undefined : spec.slice(slash + 1), spec);
  const { ip, host, container } = splitSpec(body.trim(), spec);
  if (ip !== '' && isIP(ip) === 0) throw new TsctrError(`invalid port spec "${spec}": "${ip}" is not an IP address`);
  const containerRange = parseRange(container, spec, 'container port');
  const hostRange = host === '' ? undefined : parseRange(host, spec, 'host port');
  if (hostRange && hostRange.count !== containerRange.count) {
    throw new TsctrError(`invalid port spec "${spec}": the host range has ${hostRange.count} ports but the container range ${containerRange.count}; give ranges of the same length`);
  }
  const hostIp = ip === '0.0.0.0' ? '' : ip;
  const out: PortMapping[] = [];
  for (const protocol of protocols) {
    for (let i = 0; i < containerRange.count; i++) {
      out.push({ hostIp, hostPort: hostRange ? hostRange.start + i : 0, containerPort: containerRange.start + i, protocol });
    }
  }
  return out;
}

/** `-P`: every port the image EXPOSEs ("80/tcp", "53/udp", "8080"), to a random host port. */
export function exposedPortMappings(exposed: Readonly<Record<string, unknown>> | null | undefined): PortMapping[] {
  const out: PortMapping[] = [];
  for (const key of Object.keys(exposed ?? {})) {
    const [port, proto] = key.split('/');
    const range = parseRange(port ?? '', key, 'exposed port');
    const protocol = parseProtocols(proto, key)[0] ?? 'tcp';
    for (let i = 0; i < range.count; i++) out.push({ hostIp: '', hostPort: 0, containerPort: range.start + i, protocol });
  }
  return out;
}

const key = (m: PortMapping): string => `${m.containerPort}/${m.protocol}`;
const hostKey = (m: PortMapping): string => `${m.hostIp || '0.0.0.0'}:${m.hostPort}/${m.protocol}`;

/**
 * The container's mappings: explicit ones first, then -P's for container ports not already
 * published. The same host address, port and protocol twice is refused.
 */
export function planPortMappings(explicit: readonly PortMapping[], publishAll: readonly PortMapping[]): PortMapping[] {
  const published = new Set(explicit.map(key));
  const all = [...explicit, ...publishAll.filter((m) => !published.has(key(m)))];
  const seen = new Set<string>();
  for (const m of all) {
    if (m.hostPort === 0) continue;
    const k = hostKey(m);
    if (seen.has(k)) throw new TsctrError(`host port ${k} is published twice: give each mapping its own host port`);
    seen.add(k);
  }
  return all;
}

/** `ps` PORTS column: `0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp`. */
export function formatPortsColumn(ports: readonly PortMapping[] | undefined): string {
  return (ports ?? []).map((m) => `${m.hostIp || '0.0.0.0'}:${m.hostPort}->${m.containerPort}/${m.protocol}`).join(', ');
}

/** `tsctr port C [PORT[/PROTO]]` lines: `80/tcp -> 0.0.0.0:8080` (with a filter: just the host side). */
export function portCommandLines(ports: readonly PortMapping[] | undefined, filter?: string): string[] {
  const all = ports ?? [];
  if (filter === undefined) return all.map((m) => `${key(m)} -> ${m.hostIp || '0.0.0.0'}:${m.hostPort}`);
  const [port, proto = 'tcp'] = filter.split('/');
  const wanted = all.filter((m) => String(m.containerPort) === port && m.protocol === proto.toLowerCase());
  if (wanted.length === 0) throw new TsctrError(`no public port ${port}/${proto} published for the container`);
  return wanted.map((m) => `${m.hostIp || '0.0.0.0'}:${m.hostPort}`);
}

/** inspect's NetworkSettings.Ports: `{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}`. */
export function inspectPorts(ports: readonly PortMapping[] | undefined): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const m of ports ?? []) (out[key(m)] ??= []).push({ HostIp: m.hostIp, HostPort: String(m.hostPort) });
  return out;
}

/** ps --format json `Ports` entries (podman's field names). */
export function psJsonPorts(ports: readonly PortMapping[] | undefined): Record<string, unknown>[] {
  return (ports ?? []).map((m) => ({ host_ip: m.hostIp, container_port: m.containerPort, host_port: m.hostPort, range: 1, protocol: m.protocol }));
}
