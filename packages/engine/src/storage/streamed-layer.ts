/**
 * A layer extracted while its blob still downloads (the download is teed into the extract worker's
 * stdin). Publishing waits for both checks: the blob's digest (the download, `verified`) and the
 * layer's diff id (the worker). When the streamed extraction cannot be used (the download was
 * retried, the worker failed, the diff id differs), nothing is published and the caller extracts
 * from the stored blob as usual, which also gives the error its usual message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { StorePaths } from './paths';
import { layersDir, tmpDir } from './layout';
import { STDIN_BLOB } from './extract-job';
import { userNamespaceRunner, type NamespaceRunner } from './extract-runner';
import { hasLayer, publishLayer, removeQuietly, shortLinkId, type LayerToExtract } from './layers';
import { newTempName } from './tempnames';

/** True when the layer is in the store afterwards (published here or by a concurrent pull). */
export async function extractStreamedLayer(paths: StorePaths, layer: LayerToExtract, input: Readable, verified: Promise<void>, runner: NamespaceRunner = userNamespaceRunner()): Promise<boolean> {
  if (!runner.extractStream) return false;
  const tmp = tmpDir(paths);
  await fs.promises.mkdir(tmp, { recursive: true, mode: 0o700 });
  await fs.promises.mkdir(layersDir(paths), { recursive: true, mode: 0o755 });
  const tempTop = path.join(tmp, newTempName('layer'));
  await fs.promises.mkdir(path.join(tempTop, 'diff'), { recursive: true, mode: 0o755 });
  let published = false;
  try {
    const [result] = await runner.extractStream({ layers: [{ blobPath: STDIN_BLOB, targetDir: path.join(tempTop, 'diff'), ...(layer.mediaType ? { mediaType: layer.mediaType } : {}) }] }, input);
    const downloaded = await verified.then(() => true, () => false);
    if (!downloaded || !result?.ok || result.diffId !== layer.diffId) return false;
    published = await publishLayer(paths, tempTop, { chainId: layer.chainId, diffId: result.diffId, compressedDigest: layer.blobDigest, size: result.size, created: new Date().toISOString(), shortId: shortLinkId(layer.chainId) });
    return published || (await hasLayer(paths, layer.chainId));
  } finally {
    if (!published) await removeQuietly(runner, [tempTop]);
  }
}
