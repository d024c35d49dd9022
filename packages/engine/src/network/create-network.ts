/** The network config a new container's record gets: -P expanded, random host ports chosen, container: resolved to an id. */
import type { StorePaths } from '../storage/paths';
import { findContainer } from '../runtime/containers/store';
import { assignRandomHostPorts } from './host-ports';
import { containerNetworkTarget } from './network-mode';
import { exposedPortMappings, planPortMappings } from './port-spec';
import type { ContainerNetworkConfig } from './types';

export async function resolveNetworkForCreate(
  p: StorePaths,
  network: ContainerNetworkConfig,
  opts: { publishAll: boolean; exposedPorts?: Readonly<Record<string, unknown>> | null },
): Promise<ContainerNetworkConfig> {
  const target = containerNetworkTarget(network);
  if (target !== undefined) {
    const other = await findContainer(p, target);
    return { ...network, mode: `container:${other.config.id}` };
  }
  const planned = planPortMappings(network.ports ?? [], opts.publishAll ? exposedPortMappings(opts.exposedPorts) : []);
  if (planned.length === 0) return network;
  return { ...network, ports: await assignRandomHostPorts(planned) };
}
