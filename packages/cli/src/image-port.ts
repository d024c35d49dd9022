/** Connects the container image policy (engine image-source) to the image index and the pull. */
import { openImageIndex } from '@tsctr/engine/image/image-catalog-store';
import { matchImage } from '@tsctr/engine/image/image-match';
import { pullImage } from '@tsctr/engine/image/pull';
import type { ImageSourcePort } from '@tsctr/engine/runtime/containers/image-source';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { createPullReporter } from './output/pull-bars';

export function createImageSource(paths: StorePaths, opts: { quiet: boolean }): ImageSourcePort {
  const index = openImageIndex(paths);
  return {
    findLocal: async (input) => {
      const match = matchImage(await (await index).list(), input);
      if (!match) return undefined;
      return { id: match.image.id, name: match.name ?? match.image.names[0] ?? match.image.id, layers: match.image.layers };
    },
    pull: async (input) => {
      const reporter = createPullReporter({ quiet: opts.quiet });
      try {
        return (await pullImage(input, { paths, quiet: opts.quiet, onProgress: (e) => reporter.onEvent(e) })).id;
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
