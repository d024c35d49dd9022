import { checkRmiArgs } from '../../src/commands/rmi';
import { checkLoginArgs, registryHost } from '../../src/commands/login';
import { defaultMapping } from '../../src/commands/info';
import { parseCredentialsFlag } from '../../src/output/credentials-flag';
import { splitName, imageRows, imageSummaryJson, imageInspectJson, repoDigests } from '../../src/output/image-views';
import type { ImageDetails } from '@tsctr/engine/image/image-catalog';

describe('argument rules', () => {
  it('rmi needs names or -a, not both', () => {
    expect(() => checkRmiArgs([], false)).toThrow('image name or ID must be specified');
    expect(() => checkRmiArgs(['x'], true)).toThrow(/do not name images/);
    expect(() => checkRmiArgs(['x'], false)).not.toThrow();
    expect(() => checkRmiArgs([], true)).not.toThrow();
  });
  it('login needs a user and exactly one password source', () => {
    expect(() => checkLoginArgs({ password: 'p' })).toThrow(/missing --username/);
    expect(() => checkLoginArgs({ username: 'u' })).toThrow(/missing password/);
    expect(() => checkLoginArgs({ username: 'u', password: 'p', 'password-stdin': true })).toThrow(/mutually exclusive/);
    expect(() => checkLoginArgs({ username: 'u', 'password-stdin': true })).not.toThrow();
    expect(registryHost('https://localhost:5001/v2/')).toBe('localhost:5001');
  });
  it('--creds splits at the first colon', () => {
    expect(parseCredentialsFlag('u:p:q')).toEqual({ username: 'u', password: 'p:q' });
    expect(() => parseCredentialsFlag('nocolon')).toThrow(/user:password/);
  });
  it('info shows the default mapping', () => {
    expect(defaultMapping(1001, [{ start: 100000, count: 65536 }])).toEqual([
      { container_id: 0, host_id: 1001, size: 1 },
      { container_id: 1, host_id: 100000, size: 65536 },
    ]);
  });
});

describe('image views', () => {
  const image: ImageDetails = {
    id: 'a'.repeat(64),
    names: ['localhost:5000/busybox:latest', 'localhost/mine:v1'],
    digest: `sha256:${'1'.repeat(64)}`,
    manifestDigest: `sha256:${'2'.repeat(64)}`,
    config: {
      architecture: 'amd64',
      os: 'linux',
      created: '2024-05-01T10:00:00Z',
      config: { Cmd: ['sh'], Env: ['PATH=/bin'], WorkingDir: '/data', Labels: { a: 'b' } },
      rootfs: { type: 'layers', diff_ids: [`sha256:${'3'.repeat(64)}`] },
    },
    size: 4_270_000,
    containers: 0,
  };
  it('splits names into repository and tag', () => {
    expect(splitName('localhost:5000/busybox:latest')).toEqual({ repository: 'localhost:5000/busybox', tag: 'latest' });
    expect(splitName(`a/b@sha256:${'1'.repeat(64)}`)).toEqual({ repository: 'a/b', tag: '<none>' });
    expect(splitName('localhost:5000/x')).toEqual({ repository: 'localhost:5000/x', tag: '<none>' });
  });
  it('lists one row per name and <none> for untagged images', () => {
    const rows = imageRows([image, { ...image, id: 'b'.repeat(64), names: [] }], { noTrunc: false, now: new Date('2024-05-01T12:00:00Z') });
    expect(rows.map((r) => [r.Repository, r.Tag, r.ID, r.Created, r.Size])).toEqual([
      ['localhost:5000/busybox', 'latest', 'aaaaaaaaaaaa', '2 hours ago', '4.27 MB'],
      ['localhost/mine', 'v1', 'aaaaaaaaaaaa', '2 hours ago', '4.27 MB'],
      ['<none>', '<none>', 'bbbbbbbbbbbb', '2 hours ago', '4.27 MB'],
    ]);
  });
  it('builds podman-shaped json', () => {
    expect(imageSummaryJson(image)).toMatchObject({ Id: image.id, Names: image.names, Created: 1714557600, Size: 4_270_000, Labels: { a: 'b' } });
    expect(repoDigests(image)).toContain(`localhost:5000/busybox@sha256:${'2'.repeat(64)}`);
    const inspect = imageInspectJson(image);
    expect(inspect).toMatchObject({ Architecture: 'amd64', Os: 'linux', RepoTags: image.names, RootFS: { Type: 'layers', Layers: image.config.rootfs.diff_ids } });
    expect(inspect.Config).toEqual({ Env: ['PATH=/bin'], Cmd: ['sh'], WorkingDir: '/data', Labels: { a: 'b' } });
  });
});
