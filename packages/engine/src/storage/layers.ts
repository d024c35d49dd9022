/**
 * The layer store: R/layers/<chain-hex>/{diff/, layer.json}, one directory per layer chain id, each
 * extracted once and shared by every image that has the same layers below it. R/l/<short-id> links
 * to each diff dir so that overlay mount data stays short (see shortLinkId).
 *
 * Publishing is a rename of a complete temp dir from R/tmp; removal is a rename into R/tmp followed
 * by `rm -rf` in the user namespace. A layer therefore exists exactly when R/layers/<hex>/layer.json
 * does, whatever moment a process is killed at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeCrypto } from '../sys/crypto';
import { TsctrError } from '../errors';
import type { StorePaths } from './paths';
import { layersDir, shortLinksDir, tmpDir } from './layout';
import { sha256Hex } from './digest';
import { blobPath } from './blobs';
import { errnoCode } from '../errors';
import { fsyncDirectory, readJsonFile } from './atomic';
import { direntsIfExists, readdirIfExists } from './readdir-if-exists';
import { isStaleTempName, newTempName } from './tempnames';
import type { NamespaceRunner } from './extract-runner';

/* eslint-disable @typescript-eslint/no-require-imports -- the extraction stack (tar-stream, zstd) loads only when a layer is written or removed: `run` lists layers */
const userNamespaceRunner = (): NamespaceRunner => (require('./extract-runner') as typeof import('./extract-runner')).userNamespaceRunner();
/* eslint-enable @typescript-eslint/no-require-imports */

export interface LayerRecord {
  readonly chainId: string;
  readonly diffId: string;
  /** Digest of the blob it was extracted from (compressed). */
  readonly compressedDigest: string;
  /** Bytes of the uncompressed tar. */
  readonly size: number;
  /** ISO 8601 time of extraction. */
  readonly created: string;
  /** Name of its link in R/l. */
  readonly shortId: string;
}

export interface LayerToExtract {
  readonly chainId: string;
  readonly diffId: string;
  /** The layer blob, already in the blob store. */
  readonly blobDigest: string;
  readonly mediaType?: string;
}

export interface EnsureLayersOptions {
  /** Default: extraction and removal in a user namespace with the current user's default mapping. */
  readonly runner?: NamespaceRunner;
  /** Progress per input index: 'extracting' when its extraction starts, 'done' when it is published. */
  readonly onExtract?: (index: number, state: 'extracting' | 'done') => void;
}

const LAYER_JSON = 'layer.json';
const SHORT_ID_LENGTH = 26;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function layerDir(paths: StorePaths, chainId: string): string {
  return path.join(layersDir(paths), sha256Hex(chainId));
}

export function layerDiffDir(paths: StorePaths, chainId: string): string {
  return path.join(layerDir(paths, chainId), 'diff');
}

/**
 * Pure: the name of a layer's link in R/l: 26 base32 characters (130 bits) of sha256(chain id).
 * 26 characters is what containers/storage uses; `l/<26>:` is 29 bytes per lower layer, so the
 * 4096-byte overlay mount data holds well over 100 layers. Deterministic, so concurrent publishers
 * of one layer agree on it.
 */
export function shortLinkId(chainId: string): string {
  const digest = nodeCrypto().createHash('sha256').update(chainId).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < SHORT_ID_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === SHORT_ID_LENGTH) break;
  }
  return out;
}

/** The path of a layer's short link (R/l/<short-id>). */
export function shortLinkPath(paths: StorePaths, chainId: string): string {
  return path.join(shortLinksDir(paths), shortLinkId(chainId));
}

function isLayerRecord(v: unknown): v is LayerRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.chainId === 'string' && typeof r.diffId === 'string' && typeof r.compressedDigest === 'string' && typeof r.size === 'number' && typeof r.shortId === 'string';
}

export async function readLayerRecord(paths: StorePaths, chainId: string): Promise<LayerRecord | undefined> {
  return readJsonFile(path.join(layerDir(paths, chainId), LAYER_JSON), isLayerRecord);
}

export async function hasLayer(paths: StorePaths, chainId: string): Promise<boolean> {
  try {
    await fs.promises.access(path.join(layerDir(paths, chainId), LAYER_JSON));
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Chain ids of every published layer. */
export async function listLayers(paths: StorePaths): Promise<string[]> {
  const names = await readdirIfExists(layersDir(paths));
  return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
}

/** Makes R/l/<short-id> point at the layer's diff dir (replacing a wrong or missing link atomically). */
async function ensureShortLink(paths: StorePaths, chainId: string): Promise<void> {
  const link = shortLinkPath(paths, chainId);
  const want = path.join('..', 'layers', sha256Hex(chainId), 'diff');
  try {
    if ((await fs.promises.readlink(link)) === want) return;
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  await fs.promises.mkdir(shortLinksDir(paths), { recursive: true, mode: 0o755 });
  const temp = path.join(shortLinksDir(paths), `.${newTempName('link')}`);
  await fs.promises.symlink(want, temp);
  await fs.promises.rename(temp, link);
}

interface PendingExtraction {
  readonly index: number;
  readonly layer: LayerToExtract;
}

/**
 * Makes sure every layer exists, extracting the missing ones (in one user-namespace worker) into
 * R/tmp and publishing each by rename. A diff id mismatch or a refused entry fails with a TsctrError
 * naming the layer's blob digest, and that layer is not published. Losing a publish race to a
 * concurrent pull is fine: its copy is identical, ours is discarded. Returns the records in input order.
 */
export async function ensureLayers(paths: StorePaths, layers: readonly LayerToExtract[], opts: EnsureLayersOptions = {}): Promise<LayerRecord[]> {
  for (const l of layers) {
    sha256Hex(l.chainId);
    sha256Hex(l.diffId);
    sha256Hex(l.blobDigest);
  }
  const pending: PendingExtraction[] = [];
  const seen = new Set<string>();
  for (const [index, layer] of layers.entries()) {
    if (seen.has(layer.chainId) || (await hasLayer(paths, layer.chainId))) continue;
    seen.add(layer.chainId);
    pending.push({ index, layer });
  }
  if (pending.length > 0) {
    const runner = opts.runner ?? userNamespaceRunner();
    // Leftovers of killed pulls would otherwise only go at the next locked change.
    await cleanStaleTemp(paths, { runner }).catch(() => []);
    await extractAndPublish(paths, pending, runner, opts.onExtract);
  }
  const records: LayerRecord[] = [];
  for (const layer of layers) {
    await ensureShortLink(paths, layer.chainId);
    const record = await readLayerRecord(paths, layer.chainId);
    if (!record) throw new TsctrError(`layer ${layer.chainId} vanished while it was being used (removed concurrently?); pull again`);
    records.push(record);
  }
  return records;
}

async function extractAndPublish(
  paths: StorePaths,
  pending: PendingExtraction[],
  runner: NamespaceRunner,
  onExtract: EnsureLayersOptions['onExtract'],
): Promise<void> {
  const tmp = tmpDir(paths);
  await fs.promises.mkdir(tmp, { recursive: true, mode: 0o700 });
  await fs.promises.mkdir(layersDir(paths), { recursive: true, mode: 0o755 });
  const tempTops = pending.map(() => path.join(tmp, newTempName('layer')));
  for (const top of tempTops) await fs.promises.mkdir(path.join(top, 'diff'), { recursive: true, mode: 0o755 });
  const jobs = pending.map((p, i) => ({ blobPath: blobPath(paths, p.layer.blobDigest), targetDir: path.join(tempTops[i], 'diff'), mediaType: p.layer.mediaType }));
  for (const p of pending) onExtract?.(p.index, 'extracting');
  const leftovers: string[] = [];
  const failures: TsctrError[] = [];
  try {
    const results = await runner.extract({ layers: jobs });
    for (const [i, p] of pending.entries()) {
      const r = results[i];
      const tempTop = tempTops[i];
      const digest = p.layer.blobDigest;
      if (!r || !r.ok) {
        leftovers.push(tempTop);
        failures.push(new TsctrError(`layer ${digest}: ${r ? r.error : 'no result from the extract worker'}`));
        continue;
      }
      if (r.diffId !== p.layer.diffId) {
        leftovers.push(tempTop);
        failures.push(new TsctrError(`layer ${digest}: its content has diff id ${r.diffId} but the image config says ${p.layer.diffId}; the image is corrupt or was tampered with`));
        continue;
      }
      const record: LayerRecord = {
        chainId: p.layer.chainId,
        diffId: r.diffId,
        compressedDigest: digest,
        size: r.size,
        created: new Date().toISOString(),
        shortId: shortLinkId(p.layer.chainId),
      };
      if (!(await publishLayer(paths, tempTop, record))) leftovers.push(tempTop);
      onExtract?.(p.index, 'done');
    }
  } catch (err) {
    // Published dirs have moved away: removing their old temp paths is a no-op.
    await removeQuietly(runner, tempTops);
    throw err;
  }
  await removeQuietly(runner, leftovers);
  if (failures.length > 0) throw failures[0];
}

/** Renames a complete temp layer dir into place; false when another process published it first. */
export async function publishLayer(paths: StorePaths, tempTop: string, record: LayerRecord): Promise<boolean> {
  const json = path.join(tempTop, LAYER_JSON);
  const handle = await fs.promises.open(json, 'wx', 0o644);
  try {
    await handle.writeFile(JSON.stringify(record, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(tempTop, layerDir(paths, record.chainId));
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
  await fsyncDirectory(layersDir(paths));
  return true;
}

export async function removeQuietly(runner: NamespaceRunner, dirs: readonly string[]): Promise<void> {
  if (dirs.length === 0) return;
  try {
    await runner.removeTrees(dirs);
  } catch {
    // Left in R/tmp under our pid: cleanStaleTemp removes them once we are gone.
  }
}

/**
 * Removes layers (missing ones are ignored). Call under the store lock, after checking that nothing
 * references them. Each layer disappears atomically (renamed into R/tmp), then is deleted inside
 * the user namespace because its files belong to subordinate ids.
 */
export async function removeLayers(paths: StorePaths, chainIds: readonly string[], opts: { runner?: NamespaceRunner } = {}): Promise<void> {
  const doomed: string[] = [];
  for (const chainId of chainIds) {
    const dir = layerDir(paths, chainId);
    await fs.promises.mkdir(tmpDir(paths), { recursive: true, mode: 0o700 });
    const temp = path.join(tmpDir(paths), newTempName('remove'));
    try {
      await fs.promises.rename(dir, temp);
      doomed.push(temp);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
    await fs.promises.rm(shortLinkPath(paths, chainId), { force: true });
  }
  if (doomed.length > 0) await (opts.runner ?? userNamespaceRunner()).removeTrees(doomed);
}

/**
 * Removes entries of R/tmp whose owner process is gone (a killed pull or rm). Plain files go
 * directly; directories may hold files of subordinate ids and are removed in the user namespace.
 * Returns the names removed.
 */
export async function cleanStaleTemp(paths: StorePaths, opts: { runner?: NamespaceRunner; isStale?: (name: string) => boolean } = {}): Promise<string[]> {
  const dir = tmpDir(paths);
  const entries = await direntsIfExists(dir);
  const isStale = opts.isStale ?? ((name: string) => isStaleTempName(name));
  const stale = entries.filter((e) => isStale(e.name));
  const dirs: string[] = [];
  for (const e of stale) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) dirs.push(full);
    else await fs.promises.rm(full, { force: true });
  }
  if (dirs.length > 0) await (opts.runner ?? userNamespaceRunner()).removeTrees(dirs);
  return stale.map((e) => e.name);
}
