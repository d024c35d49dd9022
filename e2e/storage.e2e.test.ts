/**
 * The layer store end to end, as the unprivileged test user: extracted layer dirs of the layers
 * fixture are exact (checked from inside the user namespace with `tsctr unshare`), malicious or
 * tampered layers are refused with nothing written outside and nothing published, and a pull killed
 * during extraction leaves a consistent store that the next pull cleans up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { buildTar as buildTarEntries } from '../packages/engine/test/storage/tar-builder';
import { FIXTURES, layersExpected, modeOf, type ExpectedEntry } from './lib/fixtures';
import { asUserArgv, runTsctr, TSCTR_BIN, type RunResult } from './lib/run';
import { makeTestStore, type TestStore } from './lib/test-store';
import { FakeRegistry } from './lib/fake-registry';
import { TEST_USER, userInfo } from './lib/users';

function ok(r: RunResult): RunResult {
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Layer chain ids of an image, bottom first, from the documented index format (docs/architecture.md). */
function imageLayers(store: TestStore, name: string): string[] {
  const index = JSON.parse(fs.readFileSync(path.join(store.root, 'images.json'), 'utf8')) as { images: { names: string[]; layers: string[] }[] };
  const image = index.images.find((i) => i.names.includes(name));
  if (!image) throw new Error(`${name} is not in images.json`);
  return image.layers;
}

const diffDir = (store: TestStore, chainId: string): string => path.join(store.root, 'layers', chainId.replace(/^sha256:/, ''), 'diff');

interface SeenEntry {
  uid: number;
  gid: number;
  mode: number;
  type: string;
  rdev: string;
  mtime: number;
  inode: number;
  target: string;
  sha256: string;
  size: number;
  xattrs: Record<string, string>;
}

/**
 * Looks at `paths` (relative to `dir`) from inside the user namespace: coreutils stat, readlink,
 * sha256sum and getfattr (Debian's attr package) print what the container will see.
 */
async function inspectInNamespace(store: TestStore, dir: string, paths: readonly string[]): Promise<Map<string, SeenEntry>> {
  const script = [
    'cd "$1"; shift',
    'for p in "$@"; do',
    '  printf "@@ %s\\n" "$p"',
    '  stat -c "stat %u %g %a %F|%t:%T %Y %i %s" -- "$p" || continue',
    '  if [ -L "$p" ]; then printf "target %s\\n" "$(readlink -- "$p")"; fi',
    '  if [ -f "$p" ] && [ ! -L "$p" ]; then printf "sha256 %s\\n" "$(sha256sum < "$p" | cut -d" " -f1)"; fi',
    '  getfattr -h --absolute-names -d -m "^user\\." -- "$p" 2>/dev/null | grep "=" | sed "s/^/xattr /"',
    'done',
  ].join('\n');
  const r = ok(await runTsctr(['--root', store.root, 'unshare', 'sh', '-c', script, 'sh', dir, ...paths], { env: store.env }));
  const seen = new Map<string, SeenEntry>();
  let current: SeenEntry | undefined;
  for (const line of r.stdout.split('\n')) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (key === '@@') {
      current = { uid: -1, gid: -1, mode: -1, type: '', rdev: '', mtime: 0, inode: 0, target: '', sha256: '', size: -1, xattrs: {} };
      seen.set(value, current);
    } else if (current && key === 'stat') {
      const [uid, gid, mode, ...typeAndRest] = rest;
      const [type, after] = typeAndRest.join(' ').split('|');
      const [rdev, mtime, inode, size] = after.split(' ');
      Object.assign(current, { uid: Number(uid), gid: Number(gid), mode: parseInt(mode, 8), type, rdev, mtime: Number(mtime), inode: Number(inode), size: Number(size) });
    } else if (current && key === 'target') {
      current.target = value;
    } else if (current && key === 'sha256') {
      current.sha256 = value;
    } else if (current && key === 'xattr') {
      const m = /^([^=]+)="(.*)"$/.exec(value);
      if (m) current.xattrs[m[1]] = m[2];
    }
  }
  return seen;
}

/** Every path in a layer dir (relative), listed from inside the user namespace. */
async function listInNamespace(store: TestStore, dir: string): Promise<string[]> {
  const r = ok(await runTsctr(['--root', store.root, 'unshare', 'sh', '-c', 'cd "$1" && find . -mindepth 1', 'sh', dir], { env: store.env }));
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\.\//, '')).sort();
}

describe('layer dirs of the layers fixture', () => {
  const expected = layersExpected();
  let store: TestStore;
  let layers: string[];
  beforeAll(async () => {
    store = makeTestStore();
    ok(await runTsctr(['pull', '-q', FIXTURES.layers], { store }));
    layers = imageLayers(store, FIXTURES.layers);
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it('has one layer dir per fixture layer, each with its short link', () => {
    expect(layers).toHaveLength(expected.layers.length);
    const links = fs.readdirSync(path.join(store.root, 'l'));
    expect(links).toHaveLength(layers.length);
    for (const link of links) {
      expect(link).toMatch(/^[a-z2-7]{26}$/);
      const target = fs.readlinkSync(path.join(store.root, 'l', link));
      expect(layers.map((l) => `../layers/${l.slice(7)}/diff`)).toContain(target);
    }
  });

  expected.layers.forEach((layer, index) => {
    it(`layer ${index} (${layer.name}): exact owners, modes, types, links, xattrs, whiteouts and mtimes`, async () => {
      const dir = diffDir(store, layers[index]);
      const wanted = layer.entries;
      const seen = await inspectInNamespace(store, dir, [...new Set(wanted.map((e) => e.path))]);
      const hardlinkTargets = wanted.filter((e): e is Extract<ExpectedEntry, { type: 'hardlink' }> => e.type === 'hardlink').map((e) => e.target);
      const targets = await inspectInNamespace(store, dir, hardlinkTargets);
      for (const e of wanted) {
        const s = seen.get(e.path);
        expect({ path: e.path, found: s !== undefined && s.uid >= 0 }).toEqual({ path: e.path, found: true });
        const got = s as SeenEntry;
        switch (e.type) {
          case 'file':
            expect({ path: e.path, type: got.type, uid: got.uid, gid: got.gid, mode: got.mode }).toEqual({ path: e.path, type: expect.stringMatching(/regular/), uid: e.uid, gid: e.gid, mode: modeOf(e) });
            if (e.content !== undefined) expect(got.sha256).toBe(sha256(e.content));
            if (e.sha256 !== undefined) expect(got.sha256).toBe(e.sha256);
            if (e.size !== undefined) expect(got.size).toBe(e.size);
            if (e.xattrs) expect(got.xattrs).toEqual(e.xattrs);
            expect(got.mtime).toBe(expected.mtime);
            break;
          case 'dir':
            expect({ path: e.path, type: got.type, uid: got.uid, gid: got.gid, mode: got.mode }).toEqual({ path: e.path, type: 'directory', uid: e.uid, gid: e.gid, mode: modeOf(e) });
            expect(got.mtime).toBe(expected.mtime);
            break;
          case 'symlink':
            expect({ path: e.path, type: got.type, target: got.target, uid: got.uid, gid: got.gid }).toEqual({ path: e.path, type: 'symbolic link', target: e.target, uid: e.uid, gid: e.gid });
            expect(got.mtime).toBe(expected.mtime);
            break;
          case 'hardlink':
            expect({ path: e.path, inode: got.inode, mode: got.mode, uid: got.uid }).toEqual({ path: e.path, inode: targets.get(e.target)?.inode, mode: modeOf(e), uid: e.uid });
            break;
          case 'whiteout':
            expect({ path: e.path, type: got.type, rdev: got.rdev }).toEqual({ path: e.path, type: 'character special file', rdev: '0:0' });
            break;
          case 'opaque':
            expect({ path: e.path, type: got.type, opaque: got.xattrs['user.overlay.opaque'] }).toEqual({ path: e.path, type: 'directory', opaque: 'y' });
            break;
        }
      }
      if (layer.complete) {
        // Nothing more than the listed entries; whiteout/opaque markers never appear under their tar names.
        expect(await listInNamespace(store, dir)).toEqual([...new Set(wanted.map((e) => e.path))].sort());
      }
    });
  });

  it('nothing but the published layers is left in R/tmp', () => {
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });
});


type Spec = { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; content?: string };

/** Malicious layers: regular files default to the content "evil", all with one fixed mtime. */
function buildTar(entries: readonly Spec[]): Promise<Buffer> {
  return buildTarEntries(entries.map((e) => ({ ...e, content: (e.type ?? 'file') === 'file' ? (e.content ?? 'evil') : undefined, mtime: new Date(1_700_000_000_000) })));
}

describe('malicious and tampered layers', () => {
  let store: TestStore;
  let registry: FakeRegistry;
  let outside: string;
  const evilAbsolute = `/tmp/tsctr-e2e-evil-${process.pid}`;

  beforeAll(async () => {
    store = makeTestStore();
    // A directory the test user may write to: the layer must not reach it.
    outside = path.join(store.dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim'), 'original');
    const u = userInfo(TEST_USER);
    fs.chownSync(outside, u.uid, u.gid);
    fs.chownSync(path.join(outside, 'victim'), u.uid, u.gid);
    registry = new FakeRegistry();
    const rel = path.relative(path.join(store.root, 'tmp', 'x', 'diff'), path.join(outside, 'victim'));
    registry.add('evil/traversal', await buildTar([{ name: 'ok', content: 'fine' }, { name: '../../../outside-escape' }]));
    registry.add('evil/deep-traversal', await buildTar([{ name: `a/../${rel}` }]));
    registry.add('evil/absolute', await buildTar([{ name: evilAbsolute }]));
    registry.add('evil/symlink', await buildTar([{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/victim', content: 'overwritten' }]));
    registry.add('evil/hardlink', await buildTar([{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }]));
    registry.add('evil/hardlink-symlink', await buildTar([{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'v', type: 'link', linkname: 'evil/victim' }]));
    await registry.start();
  });
  afterAll(async () => {
    await registry.stop();
    fs.rmSync(evilAbsolute, { force: true });
    await store.cleanup();
  });

  const cases: [string, string][] = [
    ['evil/traversal', '../../../outside-escape'],
    ['evil/deep-traversal', 'a/../'],
    ['evil/absolute', evilAbsolute],
    ['evil/symlink', 'evil/victim'],
    ['evil/hardlink', 'passwd'],
    ['evil/hardlink-symlink', '"v"'],
  ];
  it.each(cases)('%s is refused naming the entry; nothing outside is written, nothing published', async (repo, entryText) => {
    const r = await runTsctr(['pull', `${registry.host}/${repo}:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(entryText);
    expect(r.stderr).toMatch(/layer sha256:[0-9a-f]{64}/);
    expect(fs.readdirSync(outside)).toEqual(['victim']);
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('original');
    expect(fs.existsSync(evilAbsolute)).toBe(false);
    expect(fs.readdirSync(store.dir).sort()).toEqual(['cache', 'config', 'data', 'outside', 'root']);
    expect(fs.existsSync(path.join(store.root, 'layers')) ? fs.readdirSync(path.join(store.root, 'layers')) : []).toEqual([]);
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    const images = ok(await runTsctr(['images', '-q'], { store })).stdout.trim();
    expect(images).toBe('');
  });

  it('a layer whose content does not match the config diff id is refused naming the layer digest', async () => {
    const layer = await buildTar([{ name: 'file', content: 'real content' }]);
    const layerDigest = registry.add('tampered/diffid', layer, { diffId: `sha256:${sha256('claimed other content')}` });
    const r = await runTsctr(['pull', `${registry.host}/tampered/diffid:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(layerDigest);
    expect(r.stderr).toContain('diff id');
    expect(fs.existsSync(path.join(store.root, 'layers')) ? fs.readdirSync(path.join(store.root, 'layers')) : []).toEqual([]);
  });
});

describe('kill -9 during extraction', () => {
  let store: TestStore;
  beforeAll(() => {
    store = makeTestStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it('leaves only complete layers; images works; the next pull finishes and clears R/tmp', async () => {
    const argv = asUserArgv(TEST_USER, [TSCTR_BIN, '--root', store.root, '--runroot', store.runroot, 'pull', FIXTURES.layers], store.env);
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true, cwd: userInfo(TEST_USER).home });
    const tmp = path.join(store.root, 'tmp');
    // Wait until an extraction dir exists in R/tmp (or the pull ended first, on a fast machine).
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        let extracting = false;
        try {
          extracting = fs.readdirSync(tmp).some((n) => n.startsWith('layer-'));
        } catch {
          // not created yet
        }
        if (extracting || child.exitCode !== null) resolve();
        else setTimeout(poll, 5);
      };
      poll();
    });
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already finished
    }
    await new Promise((r) => child.once('close', r).once('error', r));

    // Every published layer is complete.
    const layersDir = path.join(store.root, 'layers');
    for (const name of fs.existsSync(layersDir) ? fs.readdirSync(layersDir) : []) {
      expect(fs.readdirSync(path.join(layersDir, name)).sort()).toEqual(['diff', 'layer.json']);
    }
    ok(await runTsctr(['images'], { store }));
    ok(await runTsctr(['pull', '-q', FIXTURES.layers], { store }));
    expect(imageLayers(store, FIXTURES.layers)).toHaveLength(layersExpected().layers.length);
    // The worker of the killed pull died with it (PDEATHSIG); its leftovers belonged to a dead pid.
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
