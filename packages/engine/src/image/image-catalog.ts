/**
 * What the image commands (`images`, `image inspect`, `tag`, `rmi`) need from the store, in one
 * place: listing with details, lookup by name or id, tagging, removal with the in-use check.
 */
import type { ImageConfig } from 'oci-spec-types';
import type { StorePaths } from '../storage/paths';
import type { ImageRecord } from '../storage/images';
import { formatReference, parseReference, withDefaultTag, isShortName } from './reference';
import { TsctrError } from '../errors';
import { requireImage } from './image-match';
import { planImageRemoval, type ContainerUsingImage } from './image-removal-plan';
import { openImageIndex } from './image-catalog-store';

export interface ImageDetails {
  /** Config digest hex. */
  readonly id: string;
  /** Full names: `host/repo:tag` (or `host/repo@sha256:...` when pulled by digest). */
  readonly names: readonly string[];
  /** What the names pointed at (index digest for multi-platform images). */
  readonly digest: string;
  /** The platform manifest's digest (equal to `digest` for single-platform images). */
  readonly manifestDigest: string;
  readonly config: ImageConfig;
  /** Sum of the uncompressed layer sizes. */
  readonly size: number;
  /** When the image entered the store (ISO 8601), used when the config has no `created`. */
  readonly pulledAt?: string;
  /** Containers using the image. */
  readonly containers: number;
}

/** The store operations the image commands use (implemented over storage/images in ./image-catalog-store). */
export interface ImageIndexPort {
  list(): Promise<ImageRecord[]>;
  /** Runs `fn` under the store lock with a fresh listing; changes inside are atomic. */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  readConfig(image: ImageRecord): Promise<ImageConfig>;
  /** Sum of the uncompressed sizes of the layers. */
  layersSize(image: ImageRecord): Promise<number>;
  addNames(id: string, names: readonly string[]): Promise<void>;
  removeNames(id: string, names: readonly string[]): Promise<void>;
  /** Removes the image record and frees blobs and layers no other image uses. */
  removeImage(id: string): Promise<void>;
  containersUsing(): Promise<ContainerUsingImage[]>;
  removeContainer(id: string): Promise<void>;
}

async function details(index: ImageIndexPort, image: ImageRecord, containers: readonly ContainerUsingImage[]): Promise<ImageDetails> {
  return {
    id: image.id,
    names: image.names,
    digest: image.digest,
    manifestDigest: image.manifestDigest,
    config: await index.readConfig(image),
    size: await index.layersSize(image),
    ...(image.pulledAt !== undefined && { pulledAt: image.pulledAt }),
    containers: containers.filter((c) => c.imageId === image.id).length,
  };
}

export async function listImagesWith(index: ImageIndexPort): Promise<ImageDetails[]> {
  const containers = await index.containersUsing();
  return Promise.all((await index.list()).map((image) => details(index, image, containers)));
}

export async function inspectImagesWith(index: ImageIndexPort, inputs: readonly string[]): Promise<ImageDetails[]> {
  const images = await index.list();
  const containers = await index.containersUsing();
  return Promise.all(inputs.map((input) => details(index, requireImage(images, input).image, containers)));
}

/** Pure: a tag target as stored: fully qualified; short names get `localhost/` like podman. */
export function qualifyTagTarget(target: string): string {
  const ref = withDefaultTag(parseReference(target));
  if (ref.digest !== undefined) throw new TsctrError(`cannot tag with a digest: "${target}"; give name:tag`);
  return formatReference(isShortName(ref) ? { ...ref, domain: 'localhost' } : ref);
}

export async function tagImageWith(index: ImageIndexPort, source: string, targets: readonly string[]): Promise<void> {
  const names = targets.map(qualifyTagTarget);
  await index.locked(async () => {
    const { image } = requireImage(await index.list(), source);
    await index.addNames(image.id, names);
  });
}

export interface RemoveImagesOptions {
  readonly force: boolean;
  readonly all: boolean;
  onUntagged?(name: string): void;
  onDeleted?(id: string): void;
}

export async function removeImagesWith(index: ImageIndexPort, inputs: readonly string[], opts: RemoveImagesOptions): Promise<void> {
  await index.locked(async () => {
    const containers = await index.containersUsing();
    const steps = planImageRemoval(await index.list(), containers, inputs, opts);
    for (const step of steps) {
      if (step.delete) {
        for (const c of containers.filter((c) => c.imageId === step.imageId)) await index.removeContainer(c.id);
        await index.removeImage(step.imageId);
      } else {
        await index.removeNames(step.imageId, step.untag);
      }
      for (const name of step.untag) opts.onUntagged?.(name);
      if (step.delete) opts.onDeleted?.(step.imageId);
    }
  });
}

export const listImages = async (paths: StorePaths): Promise<ImageDetails[]> => listImagesWith(await openImageIndex(paths));
export const inspectImages = async (paths: StorePaths, inputs: readonly string[]): Promise<ImageDetails[]> => inspectImagesWith(await openImageIndex(paths), inputs);
export const tagImage = async (paths: StorePaths, source: string, targets: readonly string[]): Promise<void> => tagImageWith(await openImageIndex(paths), source, targets);
export const removeImages = async (paths: StorePaths, inputs: readonly string[], opts: RemoveImagesOptions): Promise<void> =>
  removeImagesWith(await openImageIndex(paths), inputs, opts);

/** How many images the store holds (for `info`). */
export const countImages = async (paths: StorePaths): Promise<number> => (await (await openImageIndex(paths)).list()).length;
