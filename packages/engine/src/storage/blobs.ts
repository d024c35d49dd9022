/**
 * Content-addressed blob store R/blobs/sha256/<hex>: manifests, configs, compressed layers. A blob is
 * only ever published by renaming a fully written, verified temp file from R/tmp, so a reader never
 * sees a partial blob and a killed download leaves garbage only in R/tmp.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeCrypto } from '../sys/crypto';
import { pipeline } from 'node:stream/promises';
import { TsctrError } from '../errors';
import type { StorePaths } from './paths';
import { blobsDir, tmpDir } from './layout';
import { sha256Digest, sha256Hex } from './digest';
import { newTempName } from './tempnames';
import { errnoCode } from '../errors';
import { fsyncDirectory } from './atomic';
import { readdirIfExists } from './readdir-if-exists';

export function blobPath(paths: StorePaths, digest: string): string {
  return path.join(blobsDir(paths), sha256Hex(digest));
}

export async function hasBlob(paths: StorePaths, digest: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(blobPath(paths, digest))).isFile();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** A fresh path in R/tmp (created if missing) for a download; the file itself is not created. */
export async function tempPathForDownload(paths: StorePaths): Promise<string> {
  const dir = tmpDir(paths);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, newTempName('blob'));
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = nodeCrypto().createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return `sha256:${hash.digest('hex')}`;
}

export interface PublishBlobOptions {
  /** The caller computed the digest of exactly these bytes while writing them (a streaming download check). */
  readonly verified?: boolean;
  /** The caller fsynced the file already. */
  readonly synced?: boolean;
}

/**
 * Verifies that `tempFile` has `digest`, makes it durable and renames it into the store. When the
 * blob is already there (another pull won the race), the temp file is discarded. On a mismatch the
 * temp file is removed and a TsctrError names the expected and actual digests.
 */
export async function publishBlob(paths: StorePaths, tempFile: string, digest: string, opts: PublishBlobOptions = {}): Promise<string> {
  const target = blobPath(paths, digest);
  try {
    const actual = opts.verified ? digest : await sha256OfFile(tempFile);
    if (actual !== digest) {
      throw new TsctrError(`blob ${digest} failed verification: its content has digest ${actual}; the registry sent corrupt or different data`);
    }
    if (await hasBlob(paths, digest)) {
      await fs.promises.rm(tempFile, { force: true });
      return target;
    }
    if (!opts.synced) {
      const handle = await fs.promises.open(tempFile, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await fs.promises.chmod(tempFile, 0o644);
    await fs.promises.rename(tempFile, target);
    await fsyncDirectory(path.dirname(target));
    return target;
  } catch (err) {
    await fs.promises.rm(tempFile, { force: true });
    throw err;
  }
}

/** Stores small content (manifest, config) and returns its digest; `expected` is checked if given. */
export async function writeBlob(paths: StorePaths, data: Uint8Array, expected?: string): Promise<string> {
  const digest = sha256Digest(data);
  if (expected !== undefined && expected !== digest) {
    sha256Hex(expected);
    throw new TsctrError(`blob ${expected} failed verification: its content has digest ${digest}; the registry sent corrupt or different data`);
  }
  if (await hasBlob(paths, digest)) return digest;
  const temp = await tempPathForDownload(paths);
  await fs.promises.writeFile(temp, data, { mode: 0o600 });
  await publishBlob(paths, temp, digest);
  return digest;
}

function blobReadError(digest: string, err: unknown): unknown {
  return errnoCode(err) === 'ENOENT' ? new TsctrError(`blob ${digest} is not in the store; pull the image again`, 125, { cause: err }) : err;
}

function parseBlobJson(digest: string, data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new TsctrError(`blob ${digest} is not valid JSON`, 125, { cause: err });
  }
}

export async function readBlob(paths: StorePaths, digest: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(blobPath(paths, digest));
  } catch (err) {
    throw blobReadError(digest, err);
  }
}

export async function readBlobJson(paths: StorePaths, digest: string): Promise<unknown> {
  return parseBlobJson(digest, await readBlob(paths, digest));
}

/** readBlobJson without the thread pool (`run`'s image lookup, which waits for nothing else). */
export function readBlobJsonSync(paths: StorePaths, digest: string): unknown {
  let data: Buffer;
  try {
    data = fs.readFileSync(blobPath(paths, digest));
  } catch (err) {
    throw blobReadError(digest, err);
  }
  return parseBlobJson(digest, data);
}

export function openBlobStream(paths: StorePaths, digest: string): fs.ReadStream {
  return fs.createReadStream(blobPath(paths, digest));
}

/** Removes blobs (missing ones are ignored). Call under the store lock. */
export async function removeBlobs(paths: StorePaths, digests: Iterable<string>): Promise<void> {
  for (const digest of digests) await fs.promises.rm(blobPath(paths, digest), { force: true });
}

/** Digests of every blob in the store. */
export async function listBlobs(paths: StorePaths): Promise<string[]> {
  const names = await readdirIfExists(blobsDir(paths));
  return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
}
