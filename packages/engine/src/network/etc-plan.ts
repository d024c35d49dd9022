/**
 * Pure: what the container's network mode and --dns/--dns-search/--dns-option/--add-host put into
 * its generated /etc/hosts and /etc/resolv.conf (the files themselves: runtime/engine/etc-files.ts).
 */
import { hostsFile, resolvConfFile, type HostsLine, type ResolvOverrides } from '../runtime/engine/etc-files';
import { networkKind, parseSlirpOptions, slirpAddresses } from './network-mode';
import type { ContainerNetworkConfig } from './types';

/** Names podman gives the host inside a container. */
export const HOST_ALIASES = ['host.containers.internal', 'host.docker.internal'];

export interface EtcInputs {
  readonly hostname: string;
  readonly name: string;
  readonly network: ContainerNetworkConfig;
  /** The resolv.conf the container's one is derived from: the host's (or the joined container's). */
  readonly baseResolvConf: string;
  /** The host's /etc/hosts, used with --network host. */
  readonly hostHosts?: string;
}

export interface EtcContents {
  readonly hosts: string;
  readonly resolvConf: string;
}

function dnsOverrides(network: ContainerNetworkConfig): ResolvOverrides {
  return {
    ...(network.dnsServers && network.dnsServers.length > 0 ? { nameservers: network.dnsServers } : {}),
    ...(network.dnsSearch && network.dnsSearch.length > 0 ? { search: network.dnsSearch.filter((s) => s !== '.') } : {}),
    ...(network.dnsOptions && network.dnsOptions.length > 0 ? { options: network.dnsOptions } : {}),
  };
}

export function planEtcContents(input: EtcInputs): EtcContents {
  const { network, hostname, name } = input;
  const kind = networkKind(network);
  const names = name && name !== hostname ? [hostname, name] : [hostname];
  const added: HostsLine[] = (network.addHosts ?? []).map((h) => ({ ip: h.ip, names: [h.name] }));
  const dns = dnsOverrides(network);
  if (kind === 'slirp4netns') {
    const slirp = parseSlirpOptions(network.options);
    const addresses = slirpAddresses(slirp.cidr);
    const hostAlias: HostsLine[] = slirp.allowHostLoopback ? [{ ip: addresses.gateway, names: HOST_ALIASES }] : [];
    return {
      hosts: hostsFile(hostname, { ip: addresses.container, names }, [...hostAlias, ...added]),
      resolvConf: resolvConfFile(input.baseResolvConf, { firstNameservers: [addresses.dns], ...dns }),
    };
  }
  if (kind === 'host') {
    const base = hostsFile(hostname, { ip: '127.0.1.1', names }, added);
    // The host's own entries follow ours (the first match wins for a name).
    const hostLines = (input.hostHosts ?? '').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    return {
      hosts: base + (hostLines.length > 0 ? hostLines.join('\n') + '\n' : ''),
      resolvConf: resolvConfFile(input.baseResolvConf, { keepLoopback: true, ...dns }),
    };
  }
  return {
    hosts: hostsFile(hostname, { ip: '127.0.1.1', names }, added),
    resolvConf: resolvConfFile(input.baseResolvConf, { keepLoopback: kind === 'container', ...dns }),
  };
}
