/**
 * node:crypto on first use. Loading it costs ~3 ms, and most modules that hash (the blob and layer
 * store, digests) are only imported on `run`'s start path, where nothing is hashed.
 */
import type * as Crypto from 'node:crypto';

let loaded: typeof Crypto | undefined;

export function nodeCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('node:crypto') as typeof Crypto;
  return loaded;
}
