import { createHash } from 'node:crypto';
import type { Descriptor } from 'oci-spec-types';
import { pullImageWith } from '../../src/image/pull';
import type { PullEvent } from '../../src/image/pull-events';
import type { FetchedManifest, ImageRecordInput, LayerToEnsure, PlatformWanted, PullDeps, PullSource, RegistrySession } from '../../src/image/pull-ports';
import { chainIds } from '../../src/storage/digest';
import { TsctrError } from '../../src/errors';

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const paths = { root: '/nonexistent/root', runRoot: '/nonexistent/run' };

interface FakeImage {
  manifests: Map<string, FetchedManifest>;
  blobs: Map<string, Buffer>;
  layers: Descriptor[];
  diffIds: string[];
  configDigest: string;
}

function fetched(value: unknown, mediaType: string): FetchedManifest {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, mediaType, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

function makeImage(layerNames: string[], arch = 'amd64'): FakeImage {
  const layers = layerNames.map((n) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(`blob-${n}`), size: 100 + n.length }));
  const diffIds = layerNames.map((n) => sha(`diff-${n}`));
  const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', created: '2024-01-02T03:04:05Z', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = fetched(
    { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers },
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { manifests: new Map([['latest', manifest], [manifest.digest, manifest]]), blobs: new Map([[configDigest, config]]), layers, diffIds, configDigest };
}

class FakeStore {
  blobs = new Set<string>();
  layerIds = new Set<string>();
  records: ImageRecordInput[] = [];
  extracted: string[] = [];
  constructor(readonly paths = { root: '/nonexistent/root', runRoot: '/nonexistent/run' }) {}
  async hasBlob(d: string) { return this.blobs.has(d); }
  async writeBlob(_b: Uint8Array, d: string) { this.blobs.add(d); }
  async hasLayer(c: string) { return this.layerIds.has(c); }
  async ensureLayers(layers: readonly LayerToEnsure[], onExtract: (i: number, s: 'extracting' | 'done') => void) {
    const chains = chainIds(layers.map((l) => l.diffId));
    chains.forEach((c, i) => {
      if (this.layerIds.has(c)) return;
      if (!this.blobs.has(layers[i].blobDigest)) throw new Error(`blob ${layers[i].blobDigest} missing`);
      onExtract(i, 'extracting');
      this.layerIds.add(c);
      this.extracted.push(c);
      onExtract(i, 'done');
    });
    return chains;
  }
  async recordImage(r: ImageRecordInput) { this.records.push(r); }
}

interface Harness {
  deps: PullDeps;
  store: FakeStore;
  downloads: string[];
  maxInFlight: () => number;
  chosen: PlatformWanted[];
}

function harness(images: Record<string, FakeImage | Error>, sources: PullSource[], store = new FakeStore()): Harness {
  const downloads: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const chosen: PlatformWanted[] = [];
  const deps: PullDeps = {
    store,
    resolveSources: async () => sources,
    openSession: (source): RegistrySession => {
      const image = images[source.registry];
      return {
        async getManifest(reference) {
          if (image instanceof Error) throw image;
          const m = image.manifests.get(reference);
          if (!m) throw new TsctrError(`manifest unknown: ${reference}`);
          return m;
        },
        async fetchBlob(d) {
          if (image instanceof Error) throw image;
          return image.blobs.get(d.digest) ?? Buffer.alloc(0);
        },
        async downloadBlobToStore(d, onBytes) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setImmediate(r));
          onBytes(d.size);
          downloads.push(d.digest);
          store.blobs.add(d.digest);
          inFlight--;
        },
      };
    },
    choosePlatform: (manifests, wanted) => {
      chosen.push(wanted);
      const m = manifests.find((d) => d.platform?.architecture === wanted.architecture);
      if (!m) throw new TsctrError(`no image for ${wanted.architecture}`);
      return m;
    },
  };
  return { deps, store, downloads, maxInFlight: () => maxInFlight, chosen };
}

const source = (registry: string, name = 'localhost:5000/app:latest'): PullSource => ({ name, registry, repository: 'app', reference: 'latest', insecure: true });

describe('pullImageWith', () => {
  it('downloads every layer, extracts them, records the image and reports podman-like events', async () => {
    const image = makeImage(['a', 'b', 'c']);
    const h = harness({ r1: image }, [source('r1')]);
    const events: PullEvent[] = [];
    const result = await pullImageWith(h.deps, 'app', { paths, onProgress: (e) => events.push(e) });

    expect(result).toEqual({ id: image.configDigest.slice(7), name: 'localhost:5000/app:latest', digest: image.manifests.get('latest')!.digest });
    expect(h.downloads.sort()).toEqual(image.layers.map((l) => l.digest).sort());
    expect(h.store.records).toHaveLength(1);
    expect(h.store.records[0].layers).toEqual(chainIds(image.diffIds));
    expect(h.store.blobs.has(image.configDigest)).toBe(true);
    expect(events[0]).toEqual({ kind: 'trying', reference: 'localhost:5000/app:latest', endpoint: 'r1' });
    const done = events.filter((e) => e.kind === 'blob' && e.state === 'done').map((e) => (e.kind === 'blob' ? e.role : ''));
    expect(done).toEqual(['layer', 'layer', 'layer', 'config']);
    expect(events[events.length - 1]).toEqual({ kind: 'writing' });
  });

  it('neither downloads nor extracts a layer the store already has', async () => {
    const base = makeImage(['base']);
    const second = makeImage(['base', 'extra']);
    const store = new FakeStore();
    await pullImageWith(harness({ r1: base }, [source('r1')], store).deps, 'base', { paths });
    const h = harness({ r1: second }, [source('r1', 'localhost:5000/second:latest')], store);
    const events: PullEvent[] = [];
    await pullImageWith(h.deps, 'second', { paths, onProgress: (e) => events.push(e) });

    expect(h.downloads).toEqual([second.layers[1].digest]);
    expect(store.extracted).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'blob', digest: second.layers[0].digest, state: 'exists' }));
    expect(events.filter((e) => e.kind === 'blob' && e.digest === second.layers[0].digest && e.state !== 'exists')).toEqual([]);
  });

  it('keeps at most parallelDownloads layer downloads in flight', async () => {
    const image = makeImage(['1', '2', '3', '4', '5', '6', '7']);
    const h = harness({ r1: image }, [source('r1')]);
    await pullImageWith(h.deps, 'app', { paths, parallelDownloads: 2 });
    expect(h.downloads).toHaveLength(7);
    expect(h.maxInFlight()).toBe(2);
  });

  it('falls back to the next source when one cannot serve the manifest', async () => {
    const image = makeImage(['a']);
    const h = harness({ mirror: new Error('connection refused'), r1: image }, [source('mirror'), source('r1')]);
    const events: PullEvent[] = [];
    await pullImageWith(h.deps, 'app', { paths, onProgress: (e) => events.push(e) });
    expect(events).toContainEqual({ kind: 'candidate-failed', reference: 'localhost:5000/app:latest', endpoint: 'mirror', message: 'connection refused' });
    expect(h.store.records).toHaveLength(1);
  });

  it('names every source tried when none works', async () => {
    const h = harness({ m: new Error('refused'), r: new Error('manifest unknown') }, [source('m'), source('r')]);
    await expect(pullImageWith(h.deps, 'app', { paths })).rejects.toThrow(/unable to pull app[\s\S]*m\/app:latest: refused[\s\S]*r\/app:latest: manifest unknown/);
    expect(h.store.records).toHaveLength(0);
  });

  it('chooses the wanted platform from an index', async () => {
    const amd = makeImage(['amd'], 'amd64');
    const arm = makeImage(['arm'], 'arm64');
    const armManifest = arm.manifests.get('latest')!;
    const amdManifest = amd.manifests.get('latest')!;
    const index = fetched(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amdManifest.digest, size: amdManifest.bytes.length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armManifest.digest, size: armManifest.bytes.length, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      },
      'application/vnd.oci.image.index.v1+json',
    );
    const multi: FakeImage = {
      manifests: new Map([['latest', index], [amdManifest.digest, amdManifest], [armManifest.digest, armManifest]]),
      blobs: new Map([...amd.blobs, ...arm.blobs]),
      layers: [],
      diffIds: [],
      configDigest: '',
    };
    const h = harness({ r1: multi }, [source('r1')]);
    const result = await pullImageWith(h.deps, 'app', { paths, platform: 'linux/arm64' });
    expect(h.chosen).toEqual([{ os: 'linux', architecture: 'arm64' }]);
    expect(result.id).toBe(arm.configDigest.slice(7));
    expect(result.digest).toBe(index.digest);
    expect(h.store.records[0].manifestDigest).toBe(armManifest.digest);
    expect(h.downloads).toEqual([arm.layers[0].digest]);
  });

  it('records nothing when a layer download fails', async () => {
    const image = makeImage(['a', 'b']);
    const h = harness({ r1: image }, [source('r1')]);
    const session = h.deps.openSession;
    h.deps = {
      ...h.deps,
      openSession: (s) => ({ ...session(s), downloadBlobToStore: async (d) => { throw new TsctrError(`blob ${d.digest} failed verification`); } }),
    };
    await expect(pullImageWith(h.deps, 'app', { paths })).rejects.toThrow(image.layers[0].digest.slice(0, 20));
    expect(h.store.records).toHaveLength(0);
  });

  it('refuses an image whose manifest and config disagree on the layer count', async () => {
    const image = makeImage(['a']);
    const broken = makeImage(['a', 'b']);
    // manifest with two layers, config with one diff id
    const manifest = fetched(
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.configDigest, size: 1 }, layers: broken.layers },
      'application/vnd.oci.image.manifest.v1+json',
    );
    const h = harness({ r1: { ...image, manifests: new Map([['latest', manifest]]) } }, [source('r1')]);
    await expect(pullImageWith(h.deps, 'app', { paths })).rejects.toThrow(/2 layers but the config has 1 diff ids/);
  });
});
