/** Pure: the --network value and the slirp4netns options it carries (podman's syntax). */
import { TsctrError } from '../errors';
import type { ContainerNetworkConfig } from './types';

export type NetworkKind = 'slirp4netns' | 'pasta' | 'none' | 'host' | 'container';

export const DEFAULT_NETWORK = 'slirp4netns';

export interface ParsedNetwork {
  readonly kind: NetworkKind;
  /** The mode word as stored: for `container:` the name or id given (resolved to an id at create). */
  readonly mode: string;
  readonly options: readonly string[];
  /** `container:` only: the other container's name or id. */
  readonly target?: string;
}

const HINT = 'use slirp4netns[:OPTIONS], pasta[:ARGS], none, host or container:NAME';

/** `--network` / `--net`: mode plus its options. `undefined` means the default (slirp4netns). */
export function parseNetworkFlag(value: string | undefined): ParsedNetwork {
  const text = value ?? DEFAULT_NETWORK;
  const colon = text.indexOf(':');
  const word = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  const options = rest === '' ? [] : rest.split(',');
  switch (word) {
    case 'slirp4netns':
    case 'private':
      parseSlirpOptions(options);
      return { kind: 'slirp4netns', mode: 'slirp4netns', options };
    case 'pasta':
      return { kind: 'pasta', mode: 'pasta', options };
    case 'none':
    case 'host':
      if (colon >= 0) throw new TsctrError(`invalid --network "${text}": ${word} takes no options`);
      return { kind: word, mode: word, options: [] };
    case 'container':
      if (rest === '') throw new TsctrError(`invalid --network "${text}": name the container whose network to join (container:NAME)`);
      return { kind: 'container', mode: `container:${rest}`, options: [], target: rest };
    default:
      throw new TsctrError(`invalid --network "${text}": ${HINT} (rootless tsctr has no bridge networks)`);
  }
}

/** The kind of a stored network config (`container:<id>` -> container). */
export function networkKind(network: Pick<ContainerNetworkConfig, 'mode'>): NetworkKind {
  if (network.mode.startsWith('container:')) return 'container';
  const kind = network.mode === 'private' ? 'slirp4netns' : network.mode;
  if (kind === 'slirp4netns' || kind === 'pasta' || kind === 'none' || kind === 'host') return kind;
  throw new TsctrError(`the container's network mode "${network.mode}" is unknown: recreate the container with a valid --network`);
}

export function containerNetworkTarget(network: Pick<ContainerNetworkConfig, 'mode'>): string | undefined {
  return network.mode.startsWith('container:') ? network.mode.slice('container:'.length) : undefined;
}

export interface SlirpOptions {
  readonly allowHostLoopback: boolean;
  readonly enableIpv6: boolean;
  /** IPv4 network, e.g. 10.0.2.0/24. */
  readonly cidr: string;
  readonly mtu: number;
  readonly outboundAddr?: string;
}

export const DEFAULT_SLIRP: SlirpOptions = { allowHostLoopback: false, enableIpv6: false, cidr: '10.0.2.0/24', mtu: 65520 };

function bool(option: string, value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new TsctrError(`invalid slirp4netns option "${option}": use true or false`);
}

/** podman's slirp4netns options: allow_host_loopback, enable_ipv6, cidr, mtu, outbound_addr, port_handler. */
export function parseSlirpOptions(options: readonly string[]): SlirpOptions {
  let result: SlirpOptions = DEFAULT_SLIRP;
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? undefined : option.slice(eq + 1);
    switch (key) {
      case 'allow_host_loopback':
        result = { ...result, allowHostLoopback: bool(option, value) };
        break;
      case 'enable_ipv6':
        result = { ...result, enableIpv6: bool(option, value) };
        break;
      case 'cidr':
        if (value === undefined) throw new TsctrError('invalid slirp4netns option "cidr": give a network, e.g. cidr=10.0.3.0/24');
        slirpAddresses(value);
        result = { ...result, cidr: value };
        break;
      case 'mtu': {
        const mtu = Number(value);
        if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65521) throw new TsctrError(`invalid slirp4netns option "${option}": the MTU is a number from 68 to 65521`);
        result = { ...result, mtu };
        break;
      }
      case 'outbound_addr':
        if (!value || !isIpv4(value)) throw new TsctrError(`invalid slirp4netns option "${option}": give an IPv4 address`);
        result = { ...result, outboundAddr: value };
        break;
      case 'port_handler':
        if (value !== 'slirp4netns') throw new TsctrError(`invalid slirp4netns option "${option}": tsctr forwards ports with port_handler=slirp4netns only (no rootlesskit)`);
        break;
      default:
        throw new TsctrError(`unknown slirp4netns option "${option}": supported are allow_host_loopback, enable_ipv6, cidr, mtu, outbound_addr, port_handler=slirp4netns`);
    }
  }
  return result;
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface SlirpAddresses {
  readonly container: string;
  readonly gateway: string;
  readonly dns: string;
}

/** slirp4netns's fixed host numbers in its network: .100 the container, .2 the gateway (the host), .3 DNS. */
export function slirpAddresses(cidr: string): SlirpAddresses {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  const bits = m ? Number(m[2]) : NaN;
  if (!m || !isIpv4(m[1] as string) || !(bits >= 8 && bits <= 25)) {
    throw new TsctrError(`invalid slirp4netns cidr "${cidr}": give an IPv4 network with a prefix from /8 to /25, e.g. 10.0.3.0/24`);
  }
  const size = 2 ** (32 - bits);
  const base = ipv4ToNumber(m[1] as string) - (ipv4ToNumber(m[1] as string) % size);
  return { container: numberToIpv4(base + 100), gateway: numberToIpv4(base + 2), dns: numberToIpv4(base + 3) };
}
