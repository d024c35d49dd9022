/** Connects the container image policy (engine image-source) to the image index and the pull. */
import * as path from 'node:path';
import { bundled } from '@tsctr/engine/install-layout';
import { openImageIndex } from '@tsctr/engine/image/image-catalog-store';
import { matchImage } from '@tsctr/engine/image/image-match';
import type { ImageSourcePort } from '@tsctr/engine/runtime/containers/image-source';
import type { StorePaths } from '@tsctr/engine/storage/paths';

// Loaded only when the image has to be pulled: `run` of a present image skips the registry client
// (a bundle of its own, pull-entry.ts, when tsctr runs from bundles).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadPullEntry = (): typeof import('./pull-entry') => require(path.join(__dirname, bundled ? 'tsctr-pull.bundle.js' : 'pull-entry'));

export function createImageSource(paths: StorePaths, opts: { quiet: boolean }): ImageSourcePort {
  const index = openImageIndex(paths);
  return {
    findLocal: async (input) => {
      const match = matchImage(await (await index).list(), input);
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
      const image = (await (await index).list()).find((i) => i.id === imageId);
      if (!image) return {};
      return (await (await index).readConfig(image)).config ?? {};
    },
  };
}
