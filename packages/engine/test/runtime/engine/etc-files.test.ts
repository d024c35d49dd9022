import { hostnameFile, hostsFile, resolvConfFile } from '../../../src/runtime/engine/etc-files';

describe('generated /etc files', () => {
  it('hostname is the configured name', () => {
    expect(hostnameFile('abc123')).toBe('abc123\n');
  });
  it('hosts has localhost and the hostname', () => {
    const hosts = hostsFile('web1');
    expect(hosts).toMatch(/^127\.0\.0\.1\tlocalhost /m);
    expect(hosts).toMatch(/^::1\tlocalhost /m);
    expect(hosts).toMatch(/^127\.0\.1\.1\tweb1$/m);
  });
  it('resolv.conf keeps the host servers except loopback ones, and search/options', () => {
    const host = '# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nsearch example.com\noptions edns0\nbogus line\n';
    expect(resolvConfFile(host)).toBe('nameserver 10.0.0.2\nsearch example.com\noptions edns0\n');
  });
  it('resolv.conf is empty when only loopback servers exist', () => {
    expect(resolvConfFile('nameserver 127.0.0.1\n')).toBe('');
  });
});
