import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writeBlob } from '../../src/storage/blobs';
import { chainIds, sha256Digest } from '../../src/storage/digest';
import { runExtractJob, type ExtractJob, type ExtractLineResult } from '../../src/storage/extract-job';
import type { NamespaceRunner } from '../../src/storage/extract-runner';
import { cleanStaleTemp, ensureLayers, hasLayer, layerDiffDir, layerDir, listLayers, readLayerRecord, removeLayers, shortLinkId, shortLinkPath, type LayerToExtract } from '../../src/storage/layers';
import { newTempName } from '../../src/storage/tempnames';
import { TsctrError } from '../../src/errors';
import type { StorePaths } from '../../src/storage/paths';
import { buildTar, type TarSpec } from './tar-builder';

/** Runs the worker's job in-process (the tests run as root, standing in for root of the user namespace). */
class InProcessRunner implements NamespaceRunner {
  extractCalls = 0;
  removed: string[] = [];
  beforeReturn?: () => Promise<void>;
  async extract(job: ExtractJob): Promise<ExtractLineResult[]> {
    this.extractCalls++;
    const lines: ExtractLineResult[] = [];
    await runExtractJob(job, (l) => lines.push(l));
    await this.beforeReturn?.();
    return lines.sort((a, b) => a.index - b.index);
  }
  async removeTrees(paths: readonly string[]): Promise<void> {
    this.removed.push(...paths);
    for (const p of paths) await fs.promises.rm(p, { recursive: true, force: true });
  }
}

let root: string;
let paths: StorePaths;
let runner: InProcessRunner;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-layers-'));
  paths = { root, runRoot: path.join(root, 'run') };
  runner = new InProcessRunner();
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function storeLayers(specs: TarSpec[][]): Promise<LayerToExtract[]> {
  const tars = await Promise.all(specs.map((s) => buildTar(s)));
  const diffIds = tars.map((t) => sha256Digest(t));
  const chains = chainIds(diffIds);
  const out: LayerToExtract[] = [];
  for (const [i, t] of tars.entries()) {
    const blobDigest = await writeBlob(paths, zlib.gzipSync(t));
    out.push({ chainId: chains[i], diffId: diffIds[i], blobDigest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
  }
  return out;
}

const tmpEntries = () => (fs.existsSync(path.join(root, 'tmp')) ? fs.readdirSync(path.join(root, 'tmp')) : []);

describe('shortLinkId', () => {
  it('is 26 base32 characters, deterministic and distinct per chain id', () => {
    const a = shortLinkId(sha256Digest('a'));
    expect(a).toMatch(/^[a-z2-7]{26}$/);
    expect(shortLinkId(sha256Digest('a'))).toBe(a);
    expect(shortLinkId(sha256Digest('b'))).not.toBe(a);
  });
});

(process.getuid?.() === 0 ? describe : describe.skip)('layer store', () => {
  it('extracts missing layers once, publishes them with layer.json and short links', async () => {
    const layers = await storeLayers([[{ name: 'base', content: 'base' }], [{ name: 'top', content: 'top', uid: 101 }]]);
    const events: string[] = [];
    const records = await ensureLayers(paths, layers, { runner, onExtract: (i, s) => events.push(`${i}:${s}`) });
    expect(records.map((r) => r.chainId)).toEqual(layers.map((l) => l.chainId));
    expect(records[1]).toMatchObject({ diffId: layers[1].diffId, compressedDigest: layers[1].blobDigest, shortId: shortLinkId(layers[1].chainId) });
    expect(await readLayerRecord(paths, layers[0].chainId)).toEqual(records[0]);
    expect(fs.readFileSync(path.join(layerDiffDir(paths, layers[1].chainId), 'top'), 'utf8')).toBe('top');
    expect(fs.statSync(path.join(layerDiffDir(paths, layers[1].chainId), 'top')).uid).toBe(101);
    expect(fs.realpathSync(shortLinkPath(paths, layers[0].chainId))).toBe(fs.realpathSync(layerDiffDir(paths, layers[0].chainId)));
    expect(fs.readlinkSync(shortLinkPath(paths, layers[0].chainId))).toMatch(/^\.\.\/layers\/[0-9a-f]{64}\/diff$/);
    expect(events.sort()).toEqual(['0:done', '0:extracting', '1:done', '1:extracting']);
    expect(tmpEntries()).toEqual([]);
    expect((await listLayers(paths)).sort()).toEqual(layers.map((l) => l.chainId).sort());

    await ensureLayers(paths, layers, { runner });
    expect(runner.extractCalls).toBe(1);
  });

  it('repairs a missing short link of an existing layer without extracting', async () => {
    const layers = await storeLayers([[{ name: 'f', content: 'x' }]]);
    await ensureLayers(paths, layers, { runner });
    fs.unlinkSync(shortLinkPath(paths, layers[0].chainId));
    await ensureLayers(paths, layers, { runner });
    expect(fs.existsSync(shortLinkPath(paths, layers[0].chainId))).toBe(true);
    expect(runner.extractCalls).toBe(1);
  });

  it('refuses a layer whose diff id does not match, naming the blob, and publishes nothing', async () => {
    const [layer] = await storeLayers([[{ name: 'f', content: 'x' }]]);
    const wrong = { ...layer, diffId: sha256Digest('something else') };
    await expect(ensureLayers(paths, [wrong], { runner })).rejects.toThrow(new RegExp(`layer ${layer.blobDigest}: .*diff id`));
    expect(await hasLayer(paths, layer.chainId)).toBe(false);
    expect(tmpEntries()).toEqual([]);
  });

  it('refuses a malicious layer naming the entry; the good layer of the same batch is still published', async () => {
    const [good, bad] = await storeLayers([[{ name: 'ok', content: 'ok' }], [{ name: '../../escape', content: 'x' }]]);
    const err = await ensureLayers(paths, [good, bad], { runner }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsctrError);
    expect((err as Error).message).toContain(bad.blobDigest);
    expect((err as Error).message).toContain('"../../escape"');
    expect(await hasLayer(paths, bad.chainId)).toBe(false);
    expect(await hasLayer(paths, good.chainId)).toBe(true);
    expect(tmpEntries()).toEqual([]);
    expect(fs.existsSync(path.join(root, 'escape'))).toBe(false);
  });

  it('loses a publish race gracefully: the layer published first stays, ours is discarded', async () => {
    const [layer] = await storeLayers([[{ name: 'f', content: 'mine' }]]);
    const rival = layerDir(paths, layer.chainId);
    runner.beforeReturn = async () => {
      fs.mkdirSync(path.join(rival, 'diff'), { recursive: true });
      fs.writeFileSync(path.join(rival, 'diff', 'f'), 'theirs');
      fs.writeFileSync(path.join(rival, 'layer.json'), JSON.stringify({ chainId: layer.chainId, diffId: layer.diffId, compressedDigest: layer.blobDigest, size: 1, created: '', shortId: shortLinkId(layer.chainId) }));
    };
    const [record] = await ensureLayers(paths, [layer], { runner });
    expect(record.size).toBe(1);
    expect(fs.readFileSync(path.join(rival, 'diff', 'f'), 'utf8')).toBe('theirs');
    expect(tmpEntries()).toEqual([]);
  });

  it('removes layers and their links through the runner', async () => {
    const layers = await storeLayers([[{ name: 'a', content: 'a' }], [{ name: 'b', content: 'b' }]]);
    await ensureLayers(paths, layers, { runner });
    await removeLayers(paths, [layers[1].chainId, sha256Digest('not there')], { runner });
    expect(await hasLayer(paths, layers[1].chainId)).toBe(false);
    expect(await hasLayer(paths, layers[0].chainId)).toBe(true);
    expect(fs.existsSync(shortLinkPath(paths, layers[1].chainId))).toBe(false);
    expect(runner.removed).toHaveLength(1);
    expect(tmpEntries()).toEqual([]);
  });
});

describe('cleanStaleTemp', () => {
  it('removes entries of dead owners (dirs through the runner) and keeps live ones', async () => {
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(tmp);
    const live = newTempName('blob');
    fs.writeFileSync(path.join(tmp, live), 'downloading');
    fs.writeFileSync(path.join(tmp, 'blob-999999999-1-abcd'), 'dead');
    fs.mkdirSync(path.join(tmp, 'layer-999999999-1-ef01', 'diff'), { recursive: true });
    const removed = await cleanStaleTemp(paths, { runner });
    expect(removed.sort()).toEqual(['blob-999999999-1-abcd', 'layer-999999999-1-ef01']);
    expect(fs.readdirSync(tmp)).toEqual([live]);
    expect(runner.removed).toEqual([path.join(tmp, 'layer-999999999-1-ef01')]);
  });
});
