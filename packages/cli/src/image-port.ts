/** Connects the container image policy (engine image-source) to the image index and the pull. */
import { openImageIndex } from '@tsctr/engine/image/image-catalog-store';
import { matchImage } from '@tsctr/engine/image/image-match';
import type { ImageSourcePort } from '@tsctr/engine/runtime/containers/image-source';
import type { StorePaths } from '@tsctr/engine/storage/paths';

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded only when the image has to be pulled: `run` of a present image skips the registry client.
const loadPull = (): typeof import('@tsctr/engine/image/pull') => require('@tsctr/engine/image/pull');
const loadPullBars = (): typeof import('./output/pull-bars') => require('./output/pull-bars');
/* eslint-enable @typescript-eslint/no-require-imports */

export function createImageSource(paths: StorePaths, opts: { quiet: boolean }): ImageSourcePort {
  const index = openImageIndex(paths);
  return {
    findLocal: async (input) => {
      const match = matchImage(await (await index).list(), input);
      if (!match) return undefined;
      return { id: match.image.id, name: match.name ?? match.image.names[0] ?? match.image.id, layers: match.image.layers };
    },
    pull: async (input) => {
      const reporter = loadPullBars().createPullReporter({ quiet: opts.quiet });
      try {
        return (await loadPull().pullImage(input, { paths, quiet: opts.quiet, onProgress: (e) => reporter.onEvent(e) })).id;
      } finally {
        reporter.stop();
      }
    },
    readRuntimeConfig: async (imageId) => {
      const image = (await (await index).list()).find((i) => i.id === imageId);
      if (!image) return {};
      return (await (await index).readConfig(image)).config ?? {};
    },
  };
}
