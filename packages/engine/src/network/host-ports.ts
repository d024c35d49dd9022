/** Host side of published ports: free random ports at create, and a clear refusal of a port in use at start. */
import type * as Dgram from 'node:dgram';
import * as net from 'node:net';
import { TsctrError, errnoCode } from '../errors';
import type { PortMapping } from './types';

function bindAddress(m: PortMapping): string {
  return m.hostIp || '0.0.0.0';
}

/** Binds the host port as the helper will; resolves with the port bound (a free one for 0). */
function probe(m: PortMapping, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    if (m.protocol === 'udp') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- only a UDP publish loads it
      const socket = (require('node:dgram') as typeof Dgram).createSocket(net.isIPv6(bindAddress(m)) ? 'udp6' : 'udp4');
      socket.once('error', (err) => {
        socket.close();
        reject(err);
      });
      socket.bind({ port, address: bindAddress(m), exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
      return;
    }
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: bindAddress(m), exclusive: true }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

function describe(m: PortMapping): string {
  return `${m.hostIp || '0.0.0.0'}:${m.hostPort}/${m.protocol}`;
}

/** Replaces every hostPort 0 by a port that is free now (podman assigns them at create too). */
export async function assignRandomHostPorts(ports: readonly PortMapping[]): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  for (const m of ports) out.push(m.hostPort === 0 ? { ...m, hostPort: await probe(m, 0) } : m);
  return out;
}

/** Fails with a message naming the port when a host port cannot be bound (in use, privileged, no such address). */
export async function checkHostPortsFree(ports: readonly PortMapping[]): Promise<void> {
  for (const m of ports) {
    try {
      await probe(m, m.hostPort);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EADDRINUSE') {
        throw new TsctrError(`cannot publish port ${m.containerPort}/${m.protocol}: host port ${describe(m)} is already in use; choose another host port (-p OTHER:${m.containerPort}) or stop what uses it`);
      }
      if (code === 'EACCES') {
        throw new TsctrError(`cannot publish port ${m.containerPort}/${m.protocol}: host port ${describe(m)} is privileged for unprivileged users (see sysctl net.ipv4.ip_unprivileged_port_start); use a higher host port`);
      }
      if (code === 'EADDRNOTAVAIL') throw new TsctrError(`cannot publish port ${m.containerPort}/${m.protocol}: ${m.hostIp} is not an address of this host`);
      throw new TsctrError(`cannot publish port ${m.containerPort}/${m.protocol} on host port ${describe(m)}: ${(err as Error).message}`);
    }
  }
}
