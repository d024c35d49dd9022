/**
 * Connects the container image policy (engine image-source) to the image index and the pull. The
 * lookup reads synchronously: `run` waits for nothing else meanwhile, and fs.promises would cost
 * its load and a thread-pool round trip per file.
 */
import * as path from 'node:path';
import { bundled } from '@tsctr/engine/install-layout';
import { matchImage } from '@tsctr/engine/image/image-match';
import { checkedImageConfig } from '@tsctr/engine/image/stored-image-config';
import { readBlobJsonSync } from '@tsctr/engine/storage/blobs';
import { listImagesSync, type ImageRecord } from '@tsctr/engine/storage/images';
import type { ImageSourcePort } from '@tsctr/engine/runtime/containers/image-source';
import type { StorePaths } from '@tsctr/engine/storage/paths';

// Loaded only when the image has to be pulled: `run` of a present image skips the registry client
// (a bundle of its own, pull-entry.ts, when tsctr runs from bundles).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadPullEntry = (): typeof import('./pull-entry') => require(path.join(__dirname, bundled ? 'tsctr-pull.bundle.js' : 'pull-entry'));

export function createImageSource(paths: StorePaths, opts: { quiet: boolean }): ImageSourcePort {
  // What findLocal read, for readRuntimeConfig right after it.
  let listed: ImageRecord[] | undefined;
  return {
    findLocal: async (input) => {
      listed = listImagesSync(paths);
      const match = matchImage(listed, input);
      if (!match) return undefined;
      return { id: match.image.id, name: match.name ?? match.image.names[0] ?? match.image.id, layers: match.image.layers };
    },
    pull: async (input) => {
      const { createPullReporter, pullImage } = loadPullEntry();
      const reporter = createPullReporter({ quiet: opts.quiet });
      try {
        return (await pullImage(input, { paths, quiet: opts.quiet, onProgress: (e) => reporter.onEvent(e) })).id;
      } finally {
        reporter.stop();
      }
    },
    readRuntimeConfig: async (imageId) => {
      const image = (listed ?? listImagesSync(paths)).find((i) => i.id === imageId);
      if (!image) return {};
      return checkedImageConfig(image, readBlobJsonSync(paths, image.configDigest)).config ?? {};
    },
  };
}
