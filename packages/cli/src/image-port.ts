/** Connects the container image policy (engine image-source) to the image store and the pull. */
import type { ImageSourcePort } from '@tsctr/engine/runtime/containers/image-source';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { TsctrError } from '@tsctr/engine/errors';

export function createImageSource(_paths: StorePaths, _opts: { quiet: boolean }): ImageSourcePort {
  return {
    findLocal: async () => undefined,
    pull: async (input) => {
      throw new TsctrError(`cannot pull ${input}: the image store is not wired yet`);
    },
    readRuntimeConfig: async () => ({}),
  };
}
