/** The inputs of the container's /etc/hosts and /etc/resolv.conf that come from files outside it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StorePaths } from '../../storage/paths';
import type { EtcInputs } from '../../network/etc-plan';
import { containerNetworkTarget } from '../../network/network-mode';
import type { ContainerConfig } from '../container-types';
import { containerUserdataDir } from '../containers/layout';

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** A joined network's resolv.conf is the other container's (its resolver is the one reachable). */
export function etcInputs(p: StorePaths, config: ContainerConfig, hostResolvConf: string): EtcInputs {
  const target = containerNetworkTarget(config.network);
  return {
    hostname: config.hostname,
    name: config.name,
    network: config.network,
    baseResolvConf: target ? readOr(path.join(containerUserdataDir(p, target), 'resolv.conf'), hostResolvConf) : hostResolvConf,
    hostHosts: readOr('/etc/hosts', ''),
  };
}
