/** pasta (from passt): its command line (pure). It runs under `tsctr-shim tie`, which ends it with the engine. */
import type { PortMapping, PortProtocol } from './types';

function portSpec(m: PortMapping): string {
  const host = m.hostIp ? `${m.hostIp}/${m.hostPort}` : String(m.hostPort);
  return `${host}:${m.containerPort}`;
}

function forwards(flag: string, ports: readonly PortMapping[], protocol: PortProtocol): string[] {
  const wanted = ports.filter((m) => m.protocol === protocol);
  return wanted.length === 0 ? [flag, 'none'] : wanted.flatMap((m) => [flag, portSpec(m)]);
}

/**
 * Pure: pasta in the foreground against the engine's user and network namespaces (by pid), the
 * interface configured (--config-net), only the published ports forwarded (no automatic ones, none
 * from the container to the host), its pid written to `readyPath` once it is ready. `extra` are the
 * user's arguments from `--network pasta:ARG,...`, placed before the pid.
 */
export function pastaArgv(enginePid: number, ports: readonly PortMapping[], readyPath: string, extra: readonly string[]): string[] {
  return [
    'pasta', '--config-net', '--foreground', '--quiet', '--pid', readyPath,
    ...forwards('-t', ports, 'tcp'), ...forwards('-u', ports, 'udp'), '-T', 'none', '-U', 'none',
    ...extra,
    String(enginePid),
  ];
}
