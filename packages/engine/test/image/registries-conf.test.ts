import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsctrError } from '@tsctr/engine/errors';
import {
  findRegistryEntry,
  loadRegistriesConfig,
  mergeRegistriesConfs,
  parseRegistriesConf,
  prefixMatchLength,
  resolvePullCandidates,
  type RegistriesConfig,
} from '@tsctr/engine/image/registries-conf';

const digest = `sha256:${'0'.repeat(64)}`;
const conf = (text: string): RegistriesConfig => mergeRegistriesConfs([parseRegistriesConf(text, 'test.conf')]);

function thrown(fn: () => unknown): TsctrError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TsctrError);
    return err as TsctrError;
  }
  throw new Error('did not throw');
}

describe('parseRegistriesConf', () => {
  it('reads the v2 format', () => {
    const c = conf(`
unqualified-search-registries = ["example.com", "localhost:5000"]
short-name-mode = "enforcing"

[aliases]
"app" = "quay.io/team/app"

[[registry]]
prefix = "example.com/foo"
location = "internal.example.net/bar"
insecure = true

[[registry.mirror]]
location = "mirror-0.local/foo"

[[registry.mirror]]
location = "mirror-1.local/foo"
insecure = true
pull-from-mirror = "digest-only"

[[registry]]
location = "blocked.example"
blocked = true
`);
    expect(c.unqualifiedSearchRegistries).toEqual(['example.com', 'localhost:5000']);
    expect(c.shortNameMode).toBe('enforcing');
    expect(c.aliases).toEqual({ app: 'quay.io/team/app' });
    expect(c.registries).toHaveLength(2);
    expect(c.registries[0]).toEqual({
      prefix: 'example.com/foo',
      location: 'internal.example.net/bar',
      insecure: true,
      blocked: false,
      mirrorByDigestOnly: false,
      mirrors: [
        { location: 'mirror-0.local/foo', insecure: false, pullFromMirror: 'all' },
        { location: 'mirror-1.local/foo', insecure: true, pullFromMirror: 'digest-only' },
      ],
    });
    expect(c.registries[1]).toMatchObject({ prefix: 'blocked.example', location: 'blocked.example', blocked: true });
  });

  it('defaults to docker.io and permissive when nothing is set', () => {
    expect(conf('')).toMatchObject({ unqualifiedSearchRegistries: ['docker.io'], shortNameMode: 'permissive', registries: [] });
    expect(mergeRegistriesConfs([]).unqualifiedSearchRegistries).toEqual(['docker.io']);
  });

  it('converts the v1 format', () => {
    const c = conf(`
[registries.search]
registries = ['r1.com', 'r2.com']
[registries.insecure]
registries = ['r3.com']
[registries.block]
registries = ['bad.com']
`);
    expect(c.unqualifiedSearchRegistries).toEqual(['r1.com', 'r2.com']);
    expect(c.registries).toEqual([
      expect.objectContaining({ prefix: 'r3.com', insecure: true, blocked: false }),
      expect.objectContaining({ prefix: 'bad.com', insecure: false, blocked: true }),
    ]);
  });

  it.each([
    ['unqualified-search-registries = "docker.io"', /test\.conf: unqualified-search-registries: expected an array of strings/],
    ['unqualified-search-registries = ["https://docker.io"]', /must not contain a scheme/],
    ['[[registry]]\nlocation = "a.io"\ninsecure = "yes"', /registry\[0\]\.insecure: expected true or false/],
    ['[[registry]]\ninsecure = true', /registry\[0\]: a \[\[registry\]\] needs a prefix or a location/],
    ['[[registry]]\nprefix = "a.io"', /registry\[0\]\.location: only a wildcard/],
    ['[[registry]]\nprefix = "*.a.io/x"', /wildcard prefix/],
    ['[[registry]]\nprefix = "a.*.io"\nlocation = "b.io"', /leading "\*\."/],
    ['[[registry]]\nlocation = "a.io"\n[[registry.mirror]]\ninsecure = true', /registry\[0\]\.mirror\[0\]\.location: a mirror needs a location/],
    ['[[registry]]\nlocation = "a.io"\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "sometimes"', /pull-from-mirror/],
    ['short-name-mode = "strict"', /short-name-mode: expected/],
    ['[registries.search]\nregistries = ["a"]\n[[registry]]\nlocation = "x.io"', /mixes the version 1/],
    ['this is = not toml =', /test\.conf: not valid TOML/],
  ])('refuses %j', (text, message) => {
    expect(thrown(() => parseRegistriesConf(text, 'test.conf')).message).toMatch(message);
  });
});

describe('mergeRegistriesConfs (drop-in rules)', () => {
  it('later files override fields, replace same-prefix registries, and merge aliases', () => {
    const merged = mergeRegistriesConfs([
      parseRegistriesConf('unqualified-search-registries = ["a.io"]\nshort-name-mode="disabled"\n[aliases]\nx = "a.io/x"\ny = "a.io/y"\n[[registry]]\nlocation = "a.io"\ninsecure = true\n[[registry]]\nlocation = "b.io"', 'main'),
      parseRegistriesConf('[aliases]\nx = ""\nz = "c.io/z"\n[[registry]]\nlocation = "a.io"\nblocked = true', 'drop-in-1'),
      parseRegistriesConf('unqualified-search-registries = ["c.io"]', 'drop-in-2'),
    ]);
    expect(merged.unqualifiedSearchRegistries).toEqual(['c.io']);
    expect(merged.shortNameMode).toBe('disabled');
    expect(merged.aliases).toEqual({ y: 'a.io/y', z: 'c.io/z' });
    expect(merged.registries).toEqual([expect.objectContaining({ prefix: 'b.io' }), expect.objectContaining({ prefix: 'a.io', blocked: true, insecure: false })]);
    expect(merged.sources).toEqual(['main', 'drop-in-1', 'drop-in-2']);
  });
});

describe('prefix matching', () => {
  it.each([
    ['example.com/foo/image:latest', 'example.com/foo', 15],
    ['example.com/foo:latest', 'example.com/foo', 15],
    ['example.com/foo@sha256:x', 'example.com/foo', 15],
    ['example.com/foobar:latest', 'example.com/foo', -1],
    ['example.com:5000/x', 'example.com', -1],
    ['example.com/x', 'example.com', 11],
    ['a.example.com/x:1', '*.example.com', 13],
    ['a.b.example.com:5000/x', '*.example.com', 15],
    ['example.com/x', '*.example.com', -1],
    ['badexample.com/x', '*.example.com', -1],
    ['docker.io/library/alpine:latest', 'docker.io/library/alpine', 24],
    ['docker.io/library/alpine:latest', 'docker.io/library/alpine:latest', 31],
  ])('%s vs %s', (name, prefix, expected) => {
    expect(prefixMatchLength(name, prefix)).toBe(expected);
  });

  it('picks the longest prefix, exact host over wildcard, longer wildcard over shorter', () => {
    const c = conf(`
[[registry]]
prefix = "*.example.com"
location = ""
[[registry]]
prefix = "*.b.example.com"
location = ""
insecure = true
[[registry]]
location = "x.example.com"
blocked = true
[[registry]]
location = "x.example.com/deep/ns"
`);
    expect(findRegistryEntry(c, 'x.example.com/deep/ns/img:1')?.entry.prefix).toBe('x.example.com/deep/ns');
    expect(findRegistryEntry(c, 'x.example.com/other:1')?.entry.prefix).toBe('x.example.com');
    expect(findRegistryEntry(c, 'a.b.example.com/other:1')?.entry.prefix).toBe('*.b.example.com');
    expect(findRegistryEntry(c, 'y.example.com/other:1')?.entry.prefix).toBe('*.example.com');
    expect(findRegistryEntry(c, 'quay.io/other:1')).toBeUndefined();
  });
});

describe('resolvePullCandidates', () => {
  it('short name with no config: docker.io with library/ and latest', () => {
    expect(resolvePullCandidates('alpine', conf(''))).toEqual([
      {
        imageName: 'docker.io/library/alpine:latest',
        reference: { domain: 'docker.io', path: 'library/alpine', tag: 'latest' },
        endpoints: [{ registry: 'docker.io', repository: 'library/alpine', insecure: false, tagOrDigest: 'latest' }],
      },
    ]);
  });

  it('short name tries every search registry in order (enforcing acts as permissive)', () => {
    const c = conf('unqualified-search-registries = ["quay.io", "docker.io"]\nshort-name-mode = "enforcing"');
    const result = resolvePullCandidates('user/app:1', c);
    expect(result.map((r) => r.imageName)).toEqual(['quay.io/user/app:1', 'docker.io/user/app:1']);
  });

  it('mirrors the docker.io library namespace to a local registry (the e2e setup)', () => {
    const c = conf(`
unqualified-search-registries = ["docker.io"]
[[registry]]
prefix = "docker.io/library"
location = "docker.io/library"
[[registry.mirror]]
location = "localhost:5000/library"
insecure = true
`);
    const [candidate] = resolvePullCandidates('alpine', c);
    expect(candidate?.imageName).toBe('docker.io/library/alpine:latest');
    expect(candidate?.endpoints).toEqual([
      { registry: 'localhost:5000', repository: 'library/alpine', insecure: true, tagOrDigest: 'latest' },
      { registry: 'docker.io', repository: 'library/alpine', insecure: false, tagOrDigest: 'latest' },
    ]);
  });

  it('rewrites through location, keeps the logical name', () => {
    const c = conf('[[registry]]\nprefix = "example.com/foo"\nlocation = "internal.example.net/bar"\n[[registry.mirror]]\nlocation = "mirror.local/m"');
    const [candidate] = resolvePullCandidates(`example.com/foo/img@${digest}`, c);
    expect(candidate?.imageName).toBe(`example.com/foo/img@${digest}`);
    expect(candidate?.endpoints).toEqual([
      { registry: 'mirror.local', repository: 'm/img', insecure: false, tagOrDigest: digest },
      { registry: 'internal.example.net', repository: 'bar/img', insecure: false, tagOrDigest: digest },
    ]);
  });

  it('location whose host has no dot is still a host', () => {
    const c = conf('[[registry]]\nprefix = "example.com"\nlocation = "myregistry/ns"');
    expect(resolvePullCandidates('example.com/img:2', c)[0]?.endpoints).toEqual([{ registry: 'myregistry', repository: 'ns/img', insecure: false, tagOrDigest: '2' }]);
  });

  it('honours mirror-by-digest-only and pull-from-mirror', () => {
    const c = conf(`
[[registry]]
location = "a.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "m.io"
[[registry]]
location = "b.io"
[[registry.mirror]]
location = "dig.io"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tag.io"
pull-from-mirror = "tag-only"
`);
    const hosts = (ref: string) => resolvePullCandidates(ref, c)[0]?.endpoints.map((e) => e.registry);
    expect(hosts('a.io/x')).toEqual(['a.io']);
    expect(hosts(`a.io/x@${digest}`)).toEqual(['m.io', 'a.io']);
    expect(hosts('b.io/x:1')).toEqual(['tag.io', 'b.io']);
    expect(hosts(`b.io/x@${digest}`)).toEqual(['dig.io', 'b.io']);
  });

  it('wildcard prefix with empty location applies settings without rewriting', () => {
    const c = conf('[[registry]]\nprefix = "*.corp.example"\ninsecure = true');
    expect(resolvePullCandidates('reg.corp.example/x', c)[0]?.endpoints).toEqual([{ registry: 'reg.corp.example', repository: 'x', insecure: true, tagOrDigest: 'latest' }]);
  });

  it('uses aliases for short names, keeping the tag', () => {
    const c = conf('unqualified-search-registries = ["quay.io"]\n[aliases]\n"alpine" = "docker.io/library/alpine"\n"bad" = "notqualified"');
    expect(resolvePullCandidates('alpine:3', c).map((r) => r.imageName)).toEqual(['docker.io/library/alpine:3']);
    expect(resolvePullCandidates('other', c).map((r) => r.imageName)).toEqual(['quay.io/other:latest']);
    expect(thrown(() => resolvePullCandidates('bad', c)).message).toMatch(/alias "bad" = "notqualified".*fully qualified/);
  });

  it('blocked: error for a qualified name; skipped among short-name candidates', () => {
    const c = conf('unqualified-search-registries = ["bad.io", "good.io"]\n[[registry]]\nlocation = "bad.io"\nblocked = true');
    expect(thrown(() => resolvePullCandidates('bad.io/x', c)).message).toBe('cannot pull "bad.io/x": blocked in registries.conf: bad.io/x:latest (prefix "bad.io")');
    expect(resolvePullCandidates('x', c).map((r) => r.imageName)).toEqual(['good.io/x:latest']);
  });

  it('--tls-verify overrides insecure', () => {
    const c = conf('[[registry]]\nlocation = "a.io"\ninsecure = true');
    expect(resolvePullCandidates('a.io/x', c, { tlsVerify: true })[0]?.endpoints[0]?.insecure).toBe(false);
    expect(resolvePullCandidates('b.io/x', c, { tlsVerify: false })[0]?.endpoints[0]?.insecure).toBe(true);
    expect(resolvePullCandidates('b.io/x', c)[0]?.endpoints[0]?.insecure).toBe(false);
  });

  it('empty search list: a clear error', () => {
    expect(thrown(() => resolvePullCandidates('x', conf('unqualified-search-registries = []'))).message).toMatch(/cannot resolve short name "x".*docker\.io\/x/);
  });

  it('bad references are TsctrErrors', () => {
    expect(thrown(() => resolvePullCandidates('Bad', conf(''))).message).toMatch(/lowercase/);
  });
});

describe('loadRegistriesConfig (files)', () => {
  let dir: string;
  let home: string;
  let etc: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regconf-'));
    home = path.join(dir, 'home');
    etc = path.join(dir, 'etc');
    write(path.join(etc, 'registries.conf'), 'unqualified-search-registries = ["system.io"]');
    write(path.join(etc, 'registries.conf.d', '10-a.conf'), '[aliases]\nsys = "system.io/sys"');
    write(path.join(etc, 'registries.conf.d', '20-b.conf'), 'unqualified-search-registries = ["dropin.io"]');
    write(path.join(etc, 'registries.conf.d', 'ignored.txt'), 'garbage = = =');
    write(path.join(home, '.config', 'containers', 'registries.conf.d', '50-user.conf'), '[aliases]\nusr = "user.io/usr"');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('system file, system drop-ins in order, then user drop-ins', () => {
    const c = loadRegistriesConfig({ env: {}, home, systemDir: etc });
    expect(c.unqualifiedSearchRegistries).toEqual(['dropin.io']);
    expect(c.aliases).toEqual({ sys: 'system.io/sys', usr: 'user.io/usr' });
    expect(c.sources.map((s) => path.relative(dir, s))).toEqual([
      'etc/registries.conf',
      'etc/registries.conf.d/10-a.conf',
      'etc/registries.conf.d/20-b.conf',
      'home/.config/containers/registries.conf.d/50-user.conf',
    ]);
  });

  it('a user registries.conf replaces the system file and the system drop-ins', () => {
    write(path.join(home, '.config', 'containers', 'registries.conf'), 'unqualified-search-registries = ["user.io"]');
    const c = loadRegistriesConfig({ env: {}, home, systemDir: etc });
    expect(c.unqualifiedSearchRegistries).toEqual(['user.io']);
    expect(c.aliases).toEqual({ usr: 'user.io/usr' });
  });

  it('$CONTAINERS_REGISTRIES_CONF overrides everything', () => {
    const file = path.join(dir, 'only.conf');
    write(file, 'unqualified-search-registries = ["only.io"]');
    const c = loadRegistriesConfig({ env: { CONTAINERS_REGISTRIES_CONF: file }, home, systemDir: etc });
    expect(c).toMatchObject({ unqualifiedSearchRegistries: ['only.io'], aliases: {}, sources: [file] });
  });

  it('no files at all: docker.io', () => {
    expect(loadRegistriesConfig({ env: {}, home: path.join(dir, 'nohome'), systemDir: path.join(dir, 'noetc') }).unqualifiedSearchRegistries).toEqual(['docker.io']);
  });

  it('a broken file names itself', () => {
    write(path.join(etc, 'registries.conf.d', '30-bad.conf'), '[[registry]]\nblocked = 1');
    expect(thrown(() => loadRegistriesConfig({ env: {}, home, systemDir: etc })).message).toContain(path.join(etc, 'registries.conf.d', '30-bad.conf'));
  });
});
