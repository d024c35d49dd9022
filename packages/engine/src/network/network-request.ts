/** Pure: the network flags of `run`/`create` checked and turned into the record's network config. */
import { isIP } from 'node:net';
import { TsctrError } from '../errors';
import { parseNetworkFlag, type ParsedNetwork } from './network-mode';
import { parsePublishSpec } from './port-spec';
import type { ContainerNetworkConfig, HostEntry } from './types';

export interface NetworkFlags {
  readonly network?: string;
  readonly publish: readonly string[];
  readonly publishAll: boolean;
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly dnsOption: readonly string[];
  readonly addHost: readonly string[];
}

/** What create needs: the config (ports may still have hostPort 0; -P is expanded once the image is known). */
export interface NetworkRequest {
  readonly parsed: ParsedNetwork;
  readonly config: ContainerNetworkConfig;
  readonly publishAll: boolean;
}

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})$/;

/** --add-host NAME:IP (the IP may be IPv6, so the first colon separates). */
export function parseAddHost(value: string): HostEntry {
  const colon = value.indexOf(':');
  const name = colon < 0 ? '' : value.slice(0, colon);
  let ip = colon < 0 ? '' : value.slice(colon + 1);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!HOSTNAME.test(name) || isIP(ip) === 0) throw new TsctrError(`invalid --add-host "${value}": expected NAME:IP, e.g. db.local:10.0.2.2`);
  return { name, ip };
}

export function buildNetworkRequest(flags: NetworkFlags): NetworkRequest {
  const parsed = parseNetworkFlag(flags.network);
  const ports = flags.publish.flatMap(parsePublishSpec);
  if ((ports.length > 0 || flags.publishAll) && parsed.kind !== 'slirp4netns' && parsed.kind !== 'pasta') {
    throw new TsctrError(`cannot publish ports with --network ${parsed.mode}: ports are published by slirp4netns or pasta networks only` +
      (parsed.kind === 'container' ? ' (publish them on the container that owns the network)' : parsed.kind === 'host' ? ' (with host networking the container\'s ports are the host\'s already)' : ''));
  }
  for (const server of flags.dns) if (isIP(server) === 0) throw new TsctrError(`invalid --dns "${server}": give the IP address of a DNS server`);
  for (const domain of flags.dnsSearch) {
    if (domain !== '.' && !HOSTNAME.test(domain)) throw new TsctrError(`invalid --dns-search "${domain}": give a domain name (or "." for none)`);
  }
  for (const option of flags.dnsOption) {
    if (!/^[a-zA-Z0-9_-]+(:[0-9]+)?$/.test(option)) throw new TsctrError(`invalid --dns-option "${option}": give a resolv.conf option such as ndots:2 or edns0`);
  }
  const addHosts = flags.addHost.map(parseAddHost);
  return {
    parsed,
    publishAll: flags.publishAll,
    config: {
      mode: parsed.mode,
      options: parsed.options,
      ...(ports.length > 0 ? { ports } : {}),
      ...(flags.dns.length > 0 ? { dnsServers: flags.dns } : {}),
      ...(flags.dnsSearch.length > 0 ? { dnsSearch: flags.dnsSearch } : {}),
      ...(flags.dnsOption.length > 0 ? { dnsOptions: flags.dnsOption } : {}),
      ...(addHosts.length > 0 ? { addHosts } : {}),
    },
  };
}
