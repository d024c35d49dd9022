/**
 * Layers of 4 MiB and more are extracted from the download stream while it arrives (image/pull.ts,
 * storage/streamed-layer.ts). The same guarantees as for extraction from a stored blob: a good
 * layer is published exactly once; a corrupt blob, a wrong diff id or an escaping entry fails the
 * pull naming the digest or the entry, and nothing is published, nothing is left in R/tmp.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { buildTar as buildTarEntries } from '../packages/engine/test/storage/tar-builder';
import { makeTestStore, runTsctr, type TestStore } from './lib';
import { FakeRegistry } from './lib/fake-registry';
import { TEST_USER, userInfo } from './lib/users';

jest.setTimeout(120_000);

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
/** Incompressible-looking, deterministic filler: the layer is larger than the streaming threshold. */
const BIG = Buffer.concat(Array.from({ length: 6 * 1024 }, (_, i) => createHash('sha512').update(String(i)).digest()).flatMap((b) => [b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b]));

type Entry = { name: string; content?: Buffer; type?: 'file' | 'symlink'; linkname?: string };

/** Layers for these tests: regular files default to the content "x", all with one fixed mtime. */
function buildTar(entries: readonly Entry[]): Promise<Buffer> {
  return buildTarEntries(entries.map((e) => ({ ...e, content: e.type === 'symlink' ? undefined : (e.content ?? Buffer.from('x')), mtime: new Date(1_700_000_000_000) })));
}


describe('layers extracted while they download', () => {
  let store: TestStore;
  let outside: string;
  const registry = new FakeRegistry();
  const digests: Record<string, string> = {};

  const nothingPublished = (): void => {
    const layers = path.join(store.root, 'layers');
    expect(fs.existsSync(layers) ? fs.readdirSync(layers) : []).toEqual([]);
    expect(fs.existsSync(path.join(store.root, 'tmp')) ? fs.readdirSync(path.join(store.root, 'tmp')) : []).toEqual([]);
  };

  beforeAll(async () => {
    expect(BIG.length).toBeGreaterThan(4 * 1024 * 1024);
    store = makeTestStore();
    outside = path.join(store.dir, 'outside');
    fs.mkdirSync(outside);
    const u = userInfo(TEST_USER);
    fs.chownSync(outside, u.uid, u.gid);
    const good = await buildTar([{ name: 'big', content: BIG }, { name: 'small', content: Buffer.from('hello\n') }]);
    digests.good = registry.add('big/good', good);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 2048] ^= 0xff; // same length, one byte differs inside the last entry's data
    digests.corrupt = registry.add('big/corrupt', good, { served: corrupt });
    digests.diffid = registry.add('big/diffid', good, { diffId: `sha256:${sha256('something else')}` });
    registry.add('big/escape', await buildTar([{ name: 'big', content: BIG }, { name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/planted', content: Buffer.from('x') }]));
    await registry.start();
  });
  afterAll(async () => {
    await registry.stop();
    await store.cleanup();
  });

  it('a corrupt blob fails naming its digest; nothing is published', async () => {
    const r = await runTsctr(['pull', '-q', `${registry.host}/big/corrupt:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(digests.corrupt);
    expect(fs.existsSync(path.join(store.root, 'blobs', 'sha256', (digests.corrupt as string).slice(7)))).toBe(false);
    nothingPublished();
  });

  it('a layer whose content does not match the diff id is refused naming the layer', async () => {
    const r = await runTsctr(['pull', '-q', `${registry.host}/big/diffid:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(digests.diffid);
    expect(r.stderr).toContain('diff id');
    nothingPublished();
  });

  it('an entry escaping through a symlink is refused naming it; nothing outside is written', async () => {
    const r = await runTsctr(['pull', '-q', `${registry.host}/big/escape:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain('evil/planted');
    expect(fs.readdirSync(outside)).toEqual([]);
    nothingPublished();
  });

  it('a good layer is published once with its content', async () => {
    const r = await runTsctr(['pull', '-q', `${registry.host}/big/good:latest`], { store });
    expect(r.exitCode).toBe(0);
    const layers = fs.readdirSync(path.join(store.root, 'layers'));
    expect(layers).toEqual([(digests.good as string).slice(7)]);
    const diff = path.join(store.root, 'layers', layers[0] as string, 'diff');
    expect(sha256(fs.readFileSync(path.join(diff, 'big')))).toBe(sha256(BIG));
    expect(fs.readFileSync(path.join(diff, 'small'), 'utf8')).toBe('hello\n');
    expect(fs.readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });
});
