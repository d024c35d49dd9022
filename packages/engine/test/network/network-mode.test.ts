import { networkKind, parseNetworkFlag, parseSlirpOptions, slirpAddresses } from '../../src/network/network-mode';
import { buildNetworkRequest, parseAddHost } from '../../src/network/network-request';

const flags = { publish: [], publishAll: false, dns: [], dnsSearch: [], dnsOption: [], addHost: [] };

describe('--network', () => {
  it('defaults to slirp4netns and reads every mode', () => {
    expect(parseNetworkFlag(undefined)).toEqual({ kind: 'slirp4netns', mode: 'slirp4netns', options: [] });
    expect(parseNetworkFlag('slirp4netns:allow_host_loopback=true,cidr=10.0.3.0/24').options).toEqual(['allow_host_loopback=true', 'cidr=10.0.3.0/24']);
    expect(parseNetworkFlag('pasta:--ipv4-only')).toEqual({ kind: 'pasta', mode: 'pasta', options: ['--ipv4-only'] });
    expect(parseNetworkFlag('none').kind).toBe('none');
    expect(parseNetworkFlag('host').kind).toBe('host');
    expect(parseNetworkFlag('container:web')).toEqual({ kind: 'container', mode: 'container:web', options: [], target: 'web' });
    expect(networkKind({ mode: `container:${'a'.repeat(64)}` })).toBe('container');
  });
  it.each([
    ['bridge', /no bridge networks/],
    ['container:', /name the container/],
    ['none:x', /takes no options/],
    ['slirp4netns:mtu=9', /68 to 65521/],
    ['slirp4netns:port_handler=rootlesskit', /port_handler=slirp4netns only/],
    ['slirp4netns:bogus', /unknown slirp4netns option "bogus"/],
    ['slirp4netns:cidr=10.0.0.0/30', /prefix from \/8 to \/25/],
  ])('refuses %s', (value, message) => {
    expect(() => parseNetworkFlag(value)).toThrow(message);
  });
  it('slirp4netns options and addresses', () => {
    expect(parseSlirpOptions(['allow_host_loopback', 'enable_ipv6=false', 'mtu=1500'])).toMatchObject({ allowHostLoopback: true, enableIpv6: false, mtu: 1500 });
    expect(slirpAddresses('10.0.2.0/24')).toEqual({ container: '10.0.2.100', gateway: '10.0.2.2', dns: '10.0.2.3' });
    expect(slirpAddresses('10.8.0.0/16')).toEqual({ container: '10.8.0.100', gateway: '10.8.0.2', dns: '10.8.0.3' });
  });
});

describe('network flags of run/create', () => {
  it('builds the record\'s network config', () => {
    const request = buildNetworkRequest({ ...flags, publish: ['8080:80'], dns: ['1.1.1.1'], dnsSearch: ['example.com'], dnsOption: ['ndots:2'], addHost: ['db:10.0.0.5'] });
    expect(request.config).toEqual({
      mode: 'slirp4netns', options: [], ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      dnsServers: ['1.1.1.1'], dnsSearch: ['example.com'], dnsOptions: ['ndots:2'], addHosts: [{ name: 'db', ip: '10.0.0.5' }],
    });
  });
  it('refuses ports where no helper publishes them, and bad dns values', () => {
    expect(() => buildNetworkRequest({ ...flags, network: 'none', publish: ['80'] })).toThrow(/cannot publish ports with --network none/);
    expect(() => buildNetworkRequest({ ...flags, network: 'container:web', publishAll: true })).toThrow(/on the container that owns the network/);
    expect(() => buildNetworkRequest({ ...flags, dns: ['dns.example'] })).toThrow(/invalid --dns "dns.example"/);
    expect(() => buildNetworkRequest({ ...flags, dnsOption: ['a b'] })).toThrow(/invalid --dns-option/);
  });
  it('--add-host NAME:IP, IPv6 too', () => {
    expect(parseAddHost('v6.local:[::1]')).toEqual({ name: 'v6.local', ip: '::1' });
    expect(parseAddHost('v6.local:fe80::1')).toEqual({ name: 'v6.local', ip: 'fe80::1' });
    expect(() => parseAddHost('nocolon')).toThrow(/expected NAME:IP/);
  });
});
