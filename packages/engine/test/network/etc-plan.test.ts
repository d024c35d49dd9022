import { planEtcContents } from '../../src/network/etc-plan';
import type { ContainerNetworkConfig } from '../../src/network/types';

const hostResolv = 'nameserver 127.0.0.53\nnameserver 192.168.1.1\nsearch corp.example\noptions edns0\n';
const plan = (network: ContainerNetworkConfig) =>
  planEtcContents({ hostname: 'box', name: 'web', network, baseResolvConf: hostResolv, hostHosts: '127.0.0.1 localhost\n10.1.1.1 intranet\n' });

describe('generated /etc/hosts and /etc/resolv.conf per network', () => {
  it('slirp4netns: own address, its DNS first, host.containers.internal only with allow_host_loopback', () => {
    const etc = plan({ mode: 'slirp4netns', options: [] });
    expect(etc.hosts).toMatch(/^10\.0\.2\.100\tbox web$/m);
    expect(etc.hosts).not.toContain('host.containers.internal');
    expect(etc.resolvConf).toBe('nameserver 10.0.2.3\nnameserver 192.168.1.1\nsearch corp.example\noptions edns0\n');
    expect(plan({ mode: 'slirp4netns', options: ['allow_host_loopback=true'] }).hosts).toMatch(/^10\.0\.2\.2\thost\.containers\.internal host\.docker\.internal$/m);
  });
  it('--dns, --dns-search, --dns-option and --add-host', () => {
    const etc = plan({ mode: 'slirp4netns', options: [], dnsServers: ['9.9.9.9'], dnsSearch: ['a.example', 'b.example'], dnsOptions: ['ndots:2'], addHosts: [{ name: 'db', ip: '10.0.0.5' }] });
    expect(etc.resolvConf).toBe('nameserver 9.9.9.9\nsearch a.example b.example\noptions edns0\noptions ndots:2\n');
    expect(etc.hosts).toMatch(/^10\.0\.0\.5\tdb$/m);
    expect(plan({ mode: 'none', options: [], dnsSearch: ['.'] }).resolvConf).toBe('nameserver 192.168.1.1\noptions edns0\n');
  });
  it('host keeps the host resolver and hosts; none drops loopback resolvers', () => {
    const host = plan({ mode: 'host', options: [] });
    expect(host.resolvConf).toMatch(/^nameserver 127\.0\.0\.53$/m);
    expect(host.hosts).toMatch(/^10\.1\.1\.1 intranet$/m);
    const none = plan({ mode: 'none', options: [] });
    expect(none.resolvConf).not.toContain('127.0.0.53');
    expect(none.hosts).toMatch(/^127\.0\.1\.1\tbox web$/m);
  });
});
