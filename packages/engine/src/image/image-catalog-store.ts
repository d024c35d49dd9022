/**
 * ImageIndexPort over the store: R/images.json (the image index), blobs, layers and container
 * records. Every change happens under the store lock and rewrites images.json atomically; a
 * removal drops the record first and frees layers and blobs afterwards, so a crash in between
 * leaves only unreferenced content (freed by the next removal's sweep).
 *
 * NOTE for the storage owner: this is the minimal index the image commands need while
 * storage/images.ts is not there; its format is the one docs/architecture.md describes.
 */
import { isImageConfig, type ImageConfig } from 'oci-spec-types';
import { TsctrError } from '../errors';
import { readJsonFile, writeJsonFileAtomic } from '../storage/atomic';
import { listBlobs, readBlobJson, removeBlobs } from '../storage/blobs';
import { imagesIndexPath } from '../storage/layout';
import { cleanStaleTemp, listLayers, readLayerRecord, removeLayers } from '../storage/layers';
import { withSharedStoreLock, withStoreLock } from '../storage/lock';
import type { StorePaths } from '../storage/paths';
import { listContainers } from '../runtime/containers/store';
import { removeContainer } from '../runtime/containers/remove';
import type { ImageIndexPort, StoredImage } from './image-catalog';
import type { ImageRecordInput } from './pull-ports';

export interface IndexedImage extends StoredImage {
  readonly configDigest: string;
  readonly created?: string;
}

interface ImageIndexFile {
  readonly version: 1;
  readonly images: IndexedImage[];
}

function isIndexFile(v: unknown): v is ImageIndexFile {
  return typeof v === 'object' && v !== null && Array.isArray((v as ImageIndexFile).images);
}

async function readIndex(paths: StorePaths): Promise<IndexedImage[]> {
  return (await readJsonFile(imagesIndexPath(paths), isIndexFile))?.images ?? [];
}

async function writeIndex(paths: StorePaths, images: readonly IndexedImage[]): Promise<void> {
  await writeJsonFileAtomic(imagesIndexPath(paths), { version: 1, images });
}

/** Pure: the index after recording a pull: names move from any other image to this one. */
export function withPulledImage(images: readonly IndexedImage[], record: ImageRecordInput, now: string): IndexedImage[] {
  const others = images.map((i) => (i.id === record.id ? i : { ...i, names: i.names.filter((n) => n !== record.name) }));
  const existing = others.find((i) => i.id === record.id);
  const updated: IndexedImage = {
    id: record.id,
    names: existing ? [...existing.names.filter((n) => n !== record.name), record.name] : [record.name],
    digest: record.digest,
    manifestDigest: record.manifestDigest,
    configDigest: record.configDigest,
    layers: [...record.layers],
    pulledAt: existing?.pulledAt ?? now,
    ...(record.created !== undefined && { created: record.created }),
  };
  return existing ? others.map((i) => (i.id === record.id ? updated : i)) : [...others, updated];
}

/** Records a pulled image; stale leftovers of killed pulls in R/tmp are cleared while the lock is held. */
export async function recordPulledImage(paths: StorePaths, record: ImageRecordInput): Promise<void> {
  await withStoreLock(paths, async () => {
    await writeIndex(paths, withPulledImage(await readIndex(paths), record, new Date().toISOString()));
    await cleanStaleTemp(paths).catch(() => []);
  });
}

/** Pure: layers and blobs no image (and no container, for layers) references any more. */
export function unreferenced(images: readonly IndexedImage[], containerLayers: readonly string[], layerIds: readonly string[], layerBlobs: ReadonlyMap<string, string>, blobs: readonly string[]) {
  const usedLayers = new Set([...images.flatMap((i) => i.layers), ...containerLayers]);
  const usedBlobs = new Set(images.flatMap((i) => [i.digest, i.manifestDigest, i.configDigest]));
  for (const chain of usedLayers) {
    const blob = layerBlobs.get(chain);
    if (blob) usedBlobs.add(blob);
  }
  return { layers: layerIds.filter((l) => !usedLayers.has(l)), blobs: blobs.filter((b) => !usedBlobs.has(b)) };
}

/** Frees layers and blobs nobody uses. Call under the store lock. */
async function sweep(paths: StorePaths, images: readonly IndexedImage[]): Promise<void> {
  const containers = await listContainers(paths);
  const layerIds = await listLayers(paths);
  const layerBlobs = new Map<string, string>();
  for (const id of layerIds) {
    const record = await readLayerRecord(paths, id);
    if (record) layerBlobs.set(id, record.compressedDigest);
  }
  const doomed = unreferenced(images, containers.flatMap((c) => c.config.image.layers), layerIds, layerBlobs, await listBlobs(paths));
  await removeLayers(paths, doomed.layers);
  await removeBlobs(paths, doomed.blobs);
}

export async function openImageIndex(paths: StorePaths): Promise<ImageIndexPort> {
  const change = async (fn: (images: IndexedImage[]) => IndexedImage[]): Promise<void> =>
    withStoreLock(paths, async () => writeIndex(paths, fn(await readIndex(paths))));
  return {
    list: () => withSharedStoreLock(paths, () => readIndex(paths)),
    locked: (fn) => withStoreLock(paths, fn),
    readConfig: async (image) => {
      const config = await readBlobJson(paths, (image as IndexedImage).configDigest ?? `sha256:${image.id}`);
      if (!isImageConfig(config)) throw new TsctrError(`the config of image ${image.id.slice(0, 12)} in the store is damaged: remove the image and pull it again`);
      return config as ImageConfig;
    },
    layersSize: async (image) => {
      let total = 0;
      for (const chain of image.layers) total += (await readLayerRecord(paths, chain))?.size ?? 0;
      return total;
    },
    addNames: (id, names) =>
      change((images) =>
        images.map((i) => (i.id === id ? { ...i, names: [...i.names.filter((n) => !names.includes(n)), ...names] } : { ...i, names: i.names.filter((n) => !names.includes(n)) })),
      ),
    removeNames: (id, names) => change((images) => images.map((i) => (i.id === id ? { ...i, names: i.names.filter((n) => !names.includes(n)) } : i))),
    removeImage: async (id) =>
      withStoreLock(paths, async () => {
        const remaining = (await readIndex(paths)).filter((i) => i.id !== id);
        await writeIndex(paths, remaining);
        await sweep(paths, remaining);
      }),
    containersUsing: async () => (await listContainers(paths)).map((c) => ({ id: c.config.id, name: c.config.name, imageId: c.config.image.id })),
    removeContainer: async (id) => {
      await removeContainer(paths, id, { force: true });
    },
  };
}
