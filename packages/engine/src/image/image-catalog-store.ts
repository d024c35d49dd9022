/**
 * ImageIndexPort over the store: the image index (storage/images), the config blobs, the layer
 * records and the container records. Changes run under the store lock (storage/images takes it;
 * nested calls reuse it).
 */
import { readBlobJson } from '../storage/blobs';
import { containerImageUses, listImages, recordImage, removeImage, tagImage, untagImage, type ImageRecordInput } from '../storage/images';
import { cleanStaleTemp, readLayerRecord } from '../storage/layers';
import { withStoreLock } from '../storage/lock';
import type { StorePaths } from '../storage/paths';
import { removeContainer } from '../runtime/containers/remove';
import type { ImageIndexPort } from './image-catalog';
import { checkedImageConfig } from './stored-image-config';

/** Records a pulled image; leftovers of killed pulls in R/tmp are cleared afterwards. */
export async function recordPulledImage(paths: StorePaths, record: ImageRecordInput): Promise<void> {
  await withStoreLock(paths, async () => {
    await recordImage(paths, record);
    await cleanStaleTemp(paths).catch(() => []);
  });
}

export async function openImageIndex(paths: StorePaths): Promise<ImageIndexPort> {
  return {
    list: () => listImages(paths),
    locked: (fn) => withStoreLock(paths, fn),
    readConfig: async (image) => checkedImageConfig(image, await readBlobJson(paths, image.configDigest)),
    layersSize: async (image) => {
      if (image.size !== undefined) return image.size; // absent in records written before sizes were kept
      let total = 0;
      for (const chain of image.layers) total += (await readLayerRecord(paths, chain))?.size ?? 0;
      return total;
    },
    addNames: (id, names) => tagImage(paths, id, names),
    removeNames: (id, names) => untagImage(paths, id, names),
    // The in-use check (and -f's container removal) happened in the removal plan already.
    removeImage: async (id) => {
      await removeImage(paths, id, { force: true });
    },
    containersUsing: async () => (await containerImageUses(paths)).map((c) => ({ id: c.id, name: c.name, imageId: c.imageId })),
    removeContainer: async (id) => {
      await removeContainer(paths, id, { force: true });
    },
  };
}
