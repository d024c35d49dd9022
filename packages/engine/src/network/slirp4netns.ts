/**
 * slirp4netns: its command line (pure) and its API socket (add_hostfwd). It runs in the host's
 * network namespace against the engine's (by pid) and is configured as podman configures it.
 */
import { TsctrError } from '../errors';
import { connectUnixSocket } from '../runtime/containers/control-client';
import { slirpAddresses, type SlirpOptions } from './network-mode';
import type { PortMapping } from './types';

/** Name of the API socket inside the container's run directory (slirp4netns runs with that cwd). */
export const SLIRP_API_SOCKET = 'slirp4netns.sock';
export const SLIRP_TAP = 'tap0';

export interface SlirpFds {
  readonly exitFd: number;
  readonly readyFd: number;
}

/** Pure: argv of slirp4netns for the engine `enginePid`. The api socket path is relative to the run dir (sun_path is short). */
export function slirpArgv(enginePid: number, options: SlirpOptions, fds: SlirpFds): string[] {
  return [
    'slirp4netns',
    '--configure',
    `--mtu=${options.mtu}`,
    ...(options.allowHostLoopback ? [] : ['--disable-host-loopback']),
    '--enable-sandbox',
    '--enable-seccomp',
    ...(options.enableIpv6 ? ['--enable-ipv6'] : []),
    ...(options.cidr !== '10.0.2.0/24' ? [`--cidr=${options.cidr}`] : []),
    ...(options.outboundAddr ? [`--outbound-addr=${options.outboundAddr}`] : []),
    '--api-socket', SLIRP_API_SOCKET,
    '--exit-fd', String(fds.exitFd),
    '--ready-fd', String(fds.readyFd),
    String(enginePid),
    SLIRP_TAP,
  ];
}

/** Pure: the add_hostfwd request for one mapping. */
export function hostForwardRequest(m: PortMapping, options: SlirpOptions): Record<string, unknown> {
  return {
    execute: 'add_hostfwd',
    arguments: { proto: m.protocol, host_addr: m.hostIp || '0.0.0.0', host_port: m.hostPort, guest_addr: slirpAddresses(options.cidr).container, guest_port: m.containerPort },
  };
}

/** One request on a fresh connection: slirp4netns answers with one JSON object and closes. */
async function slirpRequest(socketPath: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const socket = await connectUnixSocket(socketPath);
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      try {
        resolve(JSON.parse(text) as Record<string, unknown>);
      } catch {
        reject(new TsctrError(`slirp4netns answered "${text.slice(0, 200)}" to ${String(request.execute)}`));
      }
    });
    socket.end(JSON.stringify(request));
  });
}

/** Publishes every mapping through the API socket; the first failure names the port. */
export async function addHostForwards(socketPath: string, ports: readonly PortMapping[], options: SlirpOptions): Promise<void> {
  for (const m of ports) {
    const reply = await slirpRequest(socketPath, hostForwardRequest(m, options));
    const error = reply.error as { desc?: string } | undefined;
    if (error) {
      throw new TsctrError(`cannot publish ${m.hostIp || '0.0.0.0'}:${m.hostPort}->${m.containerPort}/${m.protocol}: slirp4netns: ${error.desc ?? JSON.stringify(error)} (is the host port in use?)`);
    }
  }
}
