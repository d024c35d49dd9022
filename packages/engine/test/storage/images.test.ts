import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasBlob, writeBlob } from '../../src/storage/blobs';
import { chainIds, sha256Digest, sha256Hex } from '../../src/storage/digest';
import { runExtractJob, type ExtractLineResult } from '../../src/storage/extract-job';
import type { NamespaceRunner } from '../../src/storage/extract-runner';
import {
  findImage,
  garbageCollect,
  listImages,
  listImagesSync,
  recordImage,
  removeImage,
  repoDigestsFor,
  repositoryOfName,
  tagImage,
  untagImage,
  withRecordedImage,
  type ImageRecord,
  type ImageRecordInput,
} from '../../src/storage/images';
import { ensureLayers, hasLayer, removeLayers } from '../../src/storage/layers';
import { TsctrError } from '../../src/errors';
import type { StorePaths } from '../../src/storage/paths';
import { buildTar } from './tar-builder';

const runner: NamespaceRunner = {
  async extract(job) {
    const lines: ExtractLineResult[] = [];
    await runExtractJob(job, (l) => lines.push(l));
    return lines.sort((a, b) => a.index - b.index);
  },
  async removeTrees(paths) {
    for (const p of paths) await fs.promises.rm(p, { recursive: true, force: true });
  },
};

let root: string;
let paths: StorePaths;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-images-'));
  paths = { root, runRoot: path.join(root, 'run') };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('pure index helpers', () => {
  it('derives repositories and repo digests from names', () => {
    expect(repositoryOfName('localhost:5000/busybox:latest')).toBe('localhost:5000/busybox');
    expect(repositoryOfName('localhost:5000/busybox@sha256:abc')).toBe('localhost:5000/busybox');
    expect(repoDigestsFor(['h/a:1', 'h/a:2', 'h/b:1'], ['sha256:x', 'sha256:x'])).toEqual(['h/a@sha256:x', 'h/b@sha256:x']);
  });

  it('moves a name from the image that had it to the re-pulled one, keeping other names', () => {
    const old: ImageRecord = { id: 'a'.repeat(64), names: ['h/x:latest', 'h/x:v1'], digest: 'sha256:1', manifestDigest: 'sha256:1', configDigest: `sha256:${'a'.repeat(64)}`, layers: [] };
    const input: ImageRecordInput = { id: 'b'.repeat(64), name: 'h/x:latest', digest: 'sha256:2', manifestDigest: 'sha256:2', configDigest: `sha256:${'b'.repeat(64)}`, layers: [] };
    const next = withRecordedImage([old], input, 10, '2026-01-01T00:00:00Z');
    expect(next.map((i) => [i.id[0], i.names])).toEqual([
      ['a', ['h/x:v1']],
      ['b', ['h/x:latest']],
    ]);
    expect(next[1]).toMatchObject({ size: 10, pulledAt: '2026-01-01T00:00:00Z', repoDigests: ['h/x@sha256:2'] });
    // Re-recording the same image keeps its names, its first pull time, and adds the new name.
    const again = withRecordedImage(next, { ...input, name: 'h/y:1' }, 10, 'later');
    expect(again[1].names).toEqual(['h/x:latest', 'h/y:1']);
    expect(again[1].pulledAt).toBe('2026-01-01T00:00:00Z');
  });
});

(process.getuid?.() === 0 ? describe : describe.skip)('image index with a layer store', () => {
  /** Stores an image whose layers are given as file contents (one file per layer), bottom first. */
  async function storeImage(name: string, contents: string[]): Promise<ImageRecord> {
    const tars = await Promise.all(contents.map((c, i) => buildTar([{ name: `f${i}`, content: c }])));
    const diffIds = tars.map((t) => sha256Digest(t));
    const chains = chainIds(diffIds);
    const layers = [];
    for (const [i, t] of tars.entries()) layers.push({ chainId: chains[i], diffId: diffIds[i], blobDigest: await writeBlob(paths, t) });
    await ensureLayers(paths, layers, { runner });
    const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds }, name }));
    const configDigest = await writeBlob(paths, config);
    const manifestDigest = await writeBlob(paths, Buffer.from(JSON.stringify({ config: configDigest, name })));
    return recordImage(paths, { id: sha256Hex(configDigest), name, digest: manifestDigest, manifestDigest, configDigest, layers: chains, created: '2020-01-01T00:00:00Z' });
  }

  it('records images with sizes and finds them by full name, short name and id prefix', async () => {
    const busybox = await storeImage('localhost:5000/busybox:latest', ['base']);
    await storeImage('localhost:5000/fixtures/layers:latest', ['base', 'more']);
    expect((await listImages(paths)).map((i) => i.names)).toEqual([['localhost:5000/busybox:latest'], ['localhost:5000/fixtures/layers:latest']]);
    expect(listImagesSync(paths)).toEqual(await listImages(paths));
    expect(busybox.size).toBeGreaterThan(0);
    expect(busybox.repoDigests).toEqual([`localhost:5000/busybox@${busybox.digest}`]);
    expect((await findImage(paths, 'localhost:5000/busybox'))?.image.id).toBe(busybox.id);
    expect((await findImage(paths, 'busybox'))?.image.id).toBe(busybox.id);
    expect((await findImage(paths, busybox.id.slice(0, 6)))?.image.id).toBe(busybox.id);
    expect(await findImage(paths, 'nope')).toBeUndefined();
    expect(fs.statSync(path.join(root, 'images.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses to record an image whose layers are gone', async () => {
    const img = await storeImage('h/a:1', ['x']);
    await removeLayers(paths, img.layers, { runner });
    await expect(recordImage(paths, { id: img.id, name: 'h/a:1', digest: img.digest, manifestDigest: img.manifestDigest, configDigest: img.configDigest, layers: img.layers })).rejects.toThrow(/pull again/);
  });

  it('tags and untags', async () => {
    const a = await storeImage('h/a:1', ['a']);
    const b = await storeImage('h/b:1', ['b']);
    await tagImage(paths, b.id, ['h/a:1', 'h/b:2']);
    const [ia, ib] = await listImages(paths);
    expect(ia.names).toEqual([]);
    expect(ib.names).toEqual(['h/b:1', 'h/a:1', 'h/b:2']);
    await untagImage(paths, b.id, ['h/b:2']);
    expect((await listImages(paths))[1].names).toEqual(['h/b:1', 'h/a:1']);
    await expect(untagImage(paths, b.id, ['h/zzz:1'])).rejects.toThrow(TsctrError);
    await expect(tagImage(paths, 'f'.repeat(64), ['h/x:1'])).rejects.toThrow(/not known/);
    expect(a.id).not.toBe(b.id);
  });

  it('removes an image, freeing only layers and blobs nothing else uses; refuses while a container uses it', async () => {
    const busybox = await storeImage('h/busybox:latest', ['base']);
    const layered = await storeImage('h/layers:latest', ['base', 'top']);
    expect(layered.layers[0]).toBe(busybox.layers[0]);

    const ctrDir = path.join(root, 'containers', 'c1');
    fs.mkdirSync(ctrDir, { recursive: true });
    fs.writeFileSync(path.join(ctrDir, 'config.json'), JSON.stringify({ id: 'c1', name: 'web', image: { id: layered.id, name: 'h/layers:latest', layers: layered.layers } }));
    await expect(removeImage(paths, layered.id, { runner })).rejects.toThrow(/in use by web/);
    expect(await listImages(paths)).toHaveLength(2);

    fs.rmSync(ctrDir, { recursive: true });
    await removeImage(paths, layered.id, { runner });
    expect((await listImages(paths)).map((i) => i.id)).toEqual([busybox.id]);
    expect(await hasLayer(paths, layered.layers[0])).toBe(true); // shared base stays
    expect(await hasLayer(paths, layered.layers[1])).toBe(false);
    expect(await hasBlob(paths, layered.configDigest)).toBe(false);
    expect(await hasBlob(paths, busybox.configDigest)).toBe(true);

    // Forced removal while a container uses it keeps the layers the container needs.
    fs.mkdirSync(ctrDir, { recursive: true });
    fs.writeFileSync(path.join(ctrDir, 'config.json'), JSON.stringify({ id: 'c1', name: 'web', image: { id: busybox.id, name: 'h/busybox:latest', layers: busybox.layers } }));
    await removeImage(paths, busybox.id, { runner, force: true });
    expect(await listImages(paths)).toEqual([]);
    expect(await hasLayer(paths, busybox.layers[0])).toBe(true);
    fs.rmSync(ctrDir, { recursive: true });
    const freed = await garbageCollect(paths, { runner });
    expect(freed.layers).toEqual([busybox.layers[0]]);
    expect(await hasLayer(paths, busybox.layers[0])).toBe(false);
  });
});
