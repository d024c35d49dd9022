/** Pure: inspect's NetworkSettings for a container's network config (podman's shape, rootless). */
import { networkKind, parseSlirpOptions, slirpAddresses } from '@tsctr/engine/network/network-mode';
import { inspectPorts } from '@tsctr/engine/network/port-spec';
import type { ContainerNetworkConfig } from '@tsctr/engine/network/types';

export function networkSettings(network: ContainerNetworkConfig): Record<string, unknown> {
  const slirp = networkKind(network) === 'slirp4netns' ? slirpAddresses(parseSlirpOptions(network.options).cidr) : undefined;
  return {
    Ports: inspectPorts(network.ports),
    IPAddress: slirp?.container ?? '',
    Gateway: slirp?.gateway ?? '',
    IPPrefixLen: slirp ? Number(parseSlirpOptions(network.options).cidr.split('/')[1]) : 0,
    SandboxKey: '',
  };
}
