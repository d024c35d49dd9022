/**
 * The image index R/images.json: which images the store holds, their names and layers. Reads need
 * no lock (the file is replaced atomically); every change runs under the store lock and rewrites
 * the file atomically. Names are unique across images: giving a name to one image takes it from
 * any other (a re-pull of `:latest`), like podman.
 *
 * Size: the sum of the layers' uncompressed tar sizes, what podman's `images` shows.
 * Lookup: image/image-match (full name, short name by repository suffix, unique id prefix).
 */
import * as path from 'node:path';
import { TsctrError } from '../errors';
import { matchImage, type ImageMatch } from '../image/image-match';
import type { StorePaths } from './paths';
import { containersDir, imagesIndexPath } from './layout';
import { readJsonFile, readJsonFileSync, writeJsonFileAtomic } from './atomic';
import { withStoreLock } from './lock';
import { readdirIfExists } from './readdir-if-exists';
import { isSha256Digest, isSha256Hex } from './digest';
import { listBlobs, removeBlobs } from './blobs';
import { listLayers, readLayerRecord, removeLayers } from './layers';
import type { NamespaceRunner } from './extract-runner';

export interface ImageRecord {
  /** Config digest hex. */
  readonly id: string;
  /** Full names, `host/repo:tag` or `host/repo@sha256:...`; unique across the index. */
  readonly names: readonly string[];
  /** What the name pointed at: the index digest of a multi-platform image, else the manifest's. */
  readonly digest: string;
  /** The platform manifest used. */
  readonly manifestDigest: string;
  readonly manifestMediaType?: string;
  /** `host/repo@<digest>` per repository the image is known under (podman's RepoDigests). */
  readonly repoDigests?: readonly string[];
  readonly configDigest: string;
  /** Layer chain ids, bottom first. */
  readonly layers: readonly string[];
  /** Sum of the uncompressed layer sizes in bytes. */
  readonly size?: number;
  /** From the image config (ISO 8601). */
  readonly created?: string;
  /** When the image entered the store (ISO 8601). */
  readonly pulledAt?: string;
}

/** What a pull records; the index computes the rest. */
export interface ImageRecordInput {
  readonly id: string;
  readonly name: string;
  readonly digest: string;
  readonly manifestDigest: string;
  readonly manifestMediaType?: string;
  readonly configDigest: string;
  readonly layers: readonly string[];
  readonly created?: string;
}

interface ImageIndexFile {
  readonly version: 1;
  readonly images: readonly ImageRecord[];
}

function isImageRecord(v: unknown): v is ImageRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  return typeof r.id === 'string' && strings(r.names) && typeof r.digest === 'string' && typeof r.manifestDigest === 'string' && typeof r.configDigest === 'string' && strings(r.layers);
}

function isIndexFile(v: unknown): v is ImageIndexFile {
  return typeof v === 'object' && v !== null && (v as ImageIndexFile).version === 1 && Array.isArray((v as ImageIndexFile).images) && (v as ImageIndexFile).images.every(isImageRecord);
}

/** Every image in the store (no lock needed). */
export async function listImages(paths: StorePaths): Promise<ImageRecord[]> {
  return [...((await readJsonFile(imagesIndexPath(paths), isIndexFile))?.images ?? [])];
}

/** listImages without the thread pool (`run`'s image lookup, which waits for nothing else). */
export function listImagesSync(paths: StorePaths): ImageRecord[] {
  return [...(readJsonFileSync(imagesIndexPath(paths), isIndexFile)?.images ?? [])];
}

async function writeImages(paths: StorePaths, images: readonly ImageRecord[]): Promise<void> {
  const file: ImageIndexFile = { version: 1, images };
  await writeJsonFileAtomic(imagesIndexPath(paths), file, 0o600);
}

/** Runs `change` on the index under the store lock and writes the result atomically. */
export async function updateImages<T>(paths: StorePaths, change: (images: ImageRecord[]) => Promise<{ images: ImageRecord[]; result: T }> | { images: ImageRecord[]; result: T }): Promise<T> {
  return withStoreLock(paths, async () => {
    const { images, result } = await change(await listImages(paths));
    await writeImages(paths, images);
    return result;
  });
}

/** Finds the image a user's word names (see image/image-match); undefined if none. */
export async function findImage(paths: StorePaths, query: string): Promise<ImageMatch<ImageRecord> | undefined> {
  return matchImage(await listImages(paths), query);
}

/** Pure: `host/repo` of a stored name (`host/repo:tag` or `host/repo@sha256:...`). */
export function repositoryOfName(name: string): string {
  const at = name.indexOf('@');
  if (at >= 0) return name.slice(0, at);
  return name.replace(/:[^/:]+$/, '');
}

/** Pure: podman-style repo digests for the names and the digests an image is known by. */
export function repoDigestsFor(names: readonly string[], digests: readonly string[]): string[] {
  const repos = [...new Set(names.map(repositoryOfName))];
  return [...new Set(repos.flatMap((repo) => [...new Set(digests)].map((d) => `${repo}@${d}`)))];
}

/** Pure: `names` given to image `id`, taken from every other image. */
export function withNamesMoved(images: readonly ImageRecord[], id: string, names: readonly string[]): ImageRecord[] {
  return images.map((image) => {
    const kept = image.names.filter((n) => !names.includes(n));
    const updated = image.id === id ? [...kept, ...names] : kept;
    return { ...image, names: updated, repoDigests: repoDigestsFor(updated, [image.digest, image.manifestDigest]) };
  });
}

/** Pure: the index after recording a pull (new image, or new name/digests for a known one). */
export function withRecordedImage(images: readonly ImageRecord[], input: ImageRecordInput, size: number, now: string): ImageRecord[] {
  const existing = images.find((i) => i.id === input.id);
  const record: ImageRecord = {
    id: input.id,
    names: existing?.names ?? [],
    digest: input.digest,
    manifestDigest: input.manifestDigest,
    ...(input.manifestMediaType !== undefined && { manifestMediaType: input.manifestMediaType }),
    configDigest: input.configDigest,
    layers: [...input.layers],
    size,
    ...(input.created !== undefined && { created: input.created }),
    pulledAt: existing?.pulledAt ?? now,
  };
  const next = existing ? images.map((i) => (i.id === input.id ? record : i)) : [...images, record];
  return withNamesMoved(next, input.id, [input.name]);
}

/**
 * Records a pulled image under the store lock. Its layers must exist at that moment (checked under
 * the lock, so a concurrent garbage collection cannot leave the record pointing at nothing).
 */
export async function recordImage(paths: StorePaths, input: ImageRecordInput): Promise<ImageRecord> {
  if (!isSha256Hex(input.id) || !isSha256Digest(input.configDigest) || !input.layers.every(isSha256Digest)) {
    throw new TsctrError(`internal: malformed image record for ${input.name}`);
  }
  return updateImages(paths, async (images) => {
    let size = 0;
    for (const chainId of input.layers) {
      const layer = await readLayerRecord(paths, chainId);
      if (!layer) throw new TsctrError(`layer ${chainId} of ${input.name} was removed while pulling (a concurrent rmi?); pull again`);
      size += layer.size;
    }
    const next = withRecordedImage(images, input, size, new Date().toISOString());
    return { images: next, result: next.find((i) => i.id === input.id)! };
  });
}

function requireById(images: readonly ImageRecord[], id: string): ImageRecord {
  const image = images.find((i) => i.id === id);
  if (!image) throw new TsctrError(`image ${id.slice(0, 12)} not known: "tsctr images" lists the images in the store`);
  return image;
}

/** Gives image `id` the (fully qualified) names, taking them from any other image. */
export async function tagImage(paths: StorePaths, id: string, names: readonly string[]): Promise<void> {
  await updateImages(paths, (images) => {
    requireById(images, id);
    return { images: withNamesMoved(images, id, names), result: undefined };
  });
}

/** Removes names from image `id` (the image stays, possibly without names, like podman's <none>). */
export async function untagImage(paths: StorePaths, id: string, names: readonly string[]): Promise<void> {
  await updateImages(paths, (images) => {
    const image = requireById(images, id);
    const missing = names.filter((n) => !image.names.includes(n));
    if (missing.length > 0) throw new TsctrError(`image ${id.slice(0, 12)} has no name ${missing.join(', ')}`);
    const kept = image.names.filter((n) => !names.includes(n));
    const updated = { ...image, names: kept, repoDigests: repoDigestsFor(kept, [image.digest, image.manifestDigest]) };
    return { images: images.map((i) => (i.id === id ? updated : i)), result: undefined };
  });
}

export interface ContainerImageUse {
  readonly id: string;
  readonly name: string;
  readonly imageId: string;
  readonly layers: readonly string[];
}

/** What each container record (R/containers/<id>/config.json) uses; unreadable records are skipped. */
export async function containerImageUses(paths: StorePaths): Promise<ContainerImageUse[]> {
  const ids = await readdirIfExists(containersDir(paths));
  const uses: ContainerImageUse[] = [];
  for (const id of ids) {
    let config: unknown;
    try {
      config = await readJsonFile(path.join(containersDir(paths), id, 'config.json'));
    } catch {
      continue;
    }
    const c = config as { id?: unknown; name?: unknown; image?: { id?: unknown; layers?: unknown } } | undefined;
    if (!c || typeof c.image?.id !== 'string' || !Array.isArray(c.image.layers)) continue;
    uses.push({ id: typeof c.id === 'string' ? c.id : id, name: typeof c.name === 'string' ? c.name : id, imageId: c.image.id, layers: c.image.layers.filter((l): l is string => typeof l === 'string') });
  }
  return uses;
}

export interface RemoveImageOptions {
  /** Remove even when containers use it (their layers stay until the containers go). */
  readonly force?: boolean;
  /** Default: the container records in R/containers. */
  readonly containersUsing?: (imageId: string) => Promise<readonly { id: string; name: string }[]>;
  readonly runner?: NamespaceRunner;
}

/**
 * Removes image `id` from the index and frees its layers and blobs that nothing else references.
 * Refused while a container uses it unless `force`. Returns the removed record.
 */
export async function removeImage(paths: StorePaths, id: string, opts: RemoveImageOptions = {}): Promise<ImageRecord> {
  return withStoreLock(paths, async () => {
    const images = await listImages(paths);
    const image = requireById(images, id);
    const users = opts.containersUsing ? await opts.containersUsing(id) : (await containerImageUses(paths)).filter((c) => c.imageId === id);
    if (users.length > 0 && !opts.force) {
      throw new TsctrError(`image ${id.slice(0, 12)} is in use by ${users.map((c) => `${c.name} (${c.id.slice(0, 12)})`).join(', ')}: remove the container${users.length > 1 ? 's' : ''} first, or use -f`);
    }
    await writeImages(paths, images.filter((i) => i.id !== id));
    await garbageCollect(paths, { candidatesFrom: [image], runner: opts.runner });
    return image;
  });
}

/** Pure: the layers and blobs that no image and no container references. */
export function unreferencedContent(
  images: readonly ImageRecord[],
  containerLayers: readonly string[],
  layerBlobs: ReadonlyMap<string, string>,
  candidates: { readonly layers: readonly string[]; readonly blobs: readonly string[] },
): { layers: string[]; blobs: string[] } {
  const usedLayers = new Set([...images.flatMap((i) => i.layers), ...containerLayers]);
  const usedBlobs = new Set(images.flatMap((i) => [i.digest, i.manifestDigest, i.configDigest]));
  for (const chain of usedLayers) {
    const blob = layerBlobs.get(chain);
    if (blob) usedBlobs.add(blob);
  }
  return { layers: candidates.layers.filter((l) => !usedLayers.has(l)), blobs: candidates.blobs.filter((b) => !usedBlobs.has(b)) };
}

export interface GarbageCollectOptions {
  /**
   * Only consider the content of these (just removed) images. Without it every layer and blob in
   * the store is a candidate, which also frees what a pull running right now has fetched but not
   * yet recorded: that pull then fails and must be repeated. `rmi` therefore passes its images.
   */
  readonly candidatesFrom?: readonly ImageRecord[];
  readonly runner?: NamespaceRunner;
}

/** Frees layers (and their blobs) referenced by no image and no container. Returns what was freed. */
export async function garbageCollect(paths: StorePaths, opts: GarbageCollectOptions = {}): Promise<{ layers: string[]; blobs: string[] }> {
  return withStoreLock(paths, async () => {
    const images = await listImages(paths);
    const containerLayers = (await containerImageUses(paths)).flatMap((c) => c.layers);
    const allLayers = await listLayers(paths);
    const layerBlobs = new Map<string, string>();
    for (const chain of allLayers) {
      const record = await readLayerRecord(paths, chain);
      if (record) layerBlobs.set(chain, record.compressedDigest);
    }
    let candidates: { layers: string[]; blobs: string[] };
    if (opts.candidatesFrom) {
      const layers = opts.candidatesFrom.flatMap((i) => i.layers);
      const blobs = opts.candidatesFrom.flatMap((i) => [i.digest, i.manifestDigest, i.configDigest, ...i.layers.flatMap((l) => layerBlobs.get(l) ?? [])]);
      candidates = { layers: [...new Set(layers)], blobs: [...new Set(blobs)] };
    } else {
      candidates = { layers: allLayers, blobs: await listBlobs(paths) };
    }
    const doomed = unreferencedContent(images, containerLayers, layerBlobs, candidates);
    await removeLayers(paths, doomed.layers, { runner: opts.runner });
    await removeBlobs(paths, doomed.blobs);
    return doomed;
  });
}
