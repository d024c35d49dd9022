/**
 * `pullImage`: resolve the name, fetch the manifest (choosing the platform from an index), fetch the
 * config, download missing layer blobs with bounded parallelism, extract missing layers (which checks
 * the config's diff ids), then record the image under the store lock.
 *
 * Crash safety comes from the store: blobs and layers are published by rename from R/tmp and the
 * image index is written atomically, so a `kill -9` at any point leaves either nothing visible or
 * complete pieces the next pull reuses. A layer the store already has is neither downloaded nor
 * extracted again.
 */
import { PassThrough } from 'node:stream';
import { parseAnyManifest, type AnyManifest, type Descriptor, type ImageConfig, parseImageConfig } from 'oci-spec-types';
import { TsctrError } from '../errors';
import { readBlob } from '../storage/blobs';
import { chainIds } from '../storage/digest';
import { createPullDeps } from './pull-adapters';
import type { StorePaths } from '../storage/paths';
import type { PullEvent } from './pull-events';
import { ExtractionPipeline } from './pull-extraction';
import { mapWithConcurrency } from './pull-pool';
import { formatPlatform, wantedPlatform } from './pull-platform';
import type { FetchedManifest, LayerToEnsure, PlatformWanted, PullDeps, PullSource, RegistrySession } from './pull-ports';

export interface PullCredentials {
  readonly username: string;
  readonly password: string;
}

export interface PullOptions {
  readonly paths: StorePaths;
  /** `os/arch[/variant]`. */
  readonly platform?: string;
  readonly arch?: string;
  readonly variant?: string;
  /** false: allow plain http and unverified TLS for every registry. */
  readonly tlsVerify?: boolean;
  readonly quiet?: boolean;
  readonly creds?: PullCredentials;
  /** Layer downloads in flight at once (default 3, like containers/image). */
  readonly parallelDownloads?: number;
  onProgress?(event: PullEvent): void;
}

export interface PullResult {
  /** Image id: the config digest's hex. */
  readonly id: string;
  /** The name recorded, e.g. `localhost:5000/busybox:latest`. */
  readonly name: string;
  /** What the name pointed at (index digest for multi-platform images). */
  readonly digest: string;
}

const DEFAULT_PARALLEL_DOWNLOADS = 3;
/** Layers this large are extracted from the download stream (one worker each); smaller ones in batches after their download. */
const STREAMED_LAYER_MIN_BYTES = 4 * 1024 * 1024;
/** What the tee buffers while the extract worker starts, so the download does not wait for it. */
const STREAM_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * Downloads a layer blob and extracts it from the same bytes as they arrive. True when the layer
 * is in the store afterwards; false when the streamed extraction could not be used (the blob is
 * stored and verified either way; the caller extracts it from there).
 */
async function downloadStreamed(deps: PullDeps, session: RegistrySession, layer: Descriptor, target: LayerToEnsure & { readonly chainId: string }, onBytes: (bytes: number) => void, onExtract: (state: 'extracting' | 'done') => void): Promise<boolean> {
  const streamLayer = deps.store.streamLayer;
  if (!streamLayer) throw new Error('internal: no streamed extraction');
  const tee = new PassThrough({ highWaterMark: STREAM_BUFFER_BYTES });
  let settle!: { resolve: () => void; reject: (err: unknown) => void };
  const verified = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  verified.catch(() => undefined);
  onExtract('extracting');
  const extracted = streamLayer.call(deps.store, target, tee, verified).catch(() => false);
  try {
    await session.downloadBlobToStore(layer, onBytes, tee);
    settle.resolve();
  } catch (err) {
    settle.reject(err);
    tee.destroy();
    await extracted;
    throw err;
  }
  const ok = await extracted;
  if (ok) onExtract('done');
  return ok;
}

interface ResolvedImage {
  readonly source: PullSource;
  readonly session: RegistrySession;
  /** Digest of what the reference pointed at. */
  readonly topDigest: string;
  readonly manifest: FetchedManifest;
  readonly parsed: Extract<AnyManifest, { kind: 'image' }>;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Tries each source in order until one serves a manifest; later failures are not retried elsewhere. */
async function resolveImage(input: string, deps: PullDeps, wanted: PlatformWanted, emit: (e: PullEvent) => void): Promise<ResolvedImage> {
  const sources = await deps.resolveSources(input);
  if (sources.length === 0) throw new TsctrError(`no registry to pull "${input}" from: configure unqualified-search-registries in registries.conf or use a fully qualified name`);
  const failures: string[] = [];
  let lastName = '';
  for (const source of sources) {
    if (source.name !== lastName) emit({ kind: 'trying', reference: source.name, endpoint: source.registry });
    lastName = source.name;
    const session = deps.openSession(source);
    let top: FetchedManifest;
    try {
      top = await session.getManifest(source.reference);
      if (source.reference.startsWith('sha256:') && top.digest !== source.reference) {
        throw new TsctrError(`manifest ${source.reference} failed verification: its content has digest ${top.digest}`);
      }
    } catch (err) {
      const message = errorMessage(err);
      failures.push(`${source.registry}/${source.repository}:${source.reference.replace(/^sha256:/, '@sha256:')}: ${message}`);
      emit({ kind: 'candidate-failed', reference: source.name, endpoint: source.registry, message });
      continue;
    }
    let parsed = parseManifest(top, source);
    let manifest = top;
    if (parsed.kind === 'index') {
      const chosen = deps.choosePlatform(parsed.index.manifests, wanted, source.name);
      manifest = await session.getManifest(chosen.digest);
      if (manifest.digest !== chosen.digest) throw new TsctrError(`manifest ${chosen.digest} failed verification: its content has digest ${manifest.digest}`);
      parsed = parseManifest(manifest, source);
      if (parsed.kind === 'index') throw new TsctrError(`${source.name}: the index entry for ${formatPlatform(wanted)} is itself an index; nested indexes are not supported`);
    }
    return { source, session, topDigest: top.digest, manifest, parsed };
  }
  const detail = failures.map((f) => `\n  ${f}`).join('');
  throw new TsctrError(`unable to pull ${input}: no source could serve it:${detail}`);
}

function parseManifest(fetched: FetchedManifest, source: PullSource): AnyManifest {
  try {
    return parseAnyManifest(fetched.bytes, fetched.mediaType);
  } catch (err) {
    throw new TsctrError(`${source.name}: the registry sent a manifest tsctr cannot use: ${errorMessage(err)}`, 125, { cause: err });
  }
}

async function fetchConfig(resolved: ResolvedImage, deps: PullDeps): Promise<{ config: ImageConfig; bytes: Buffer; existed: boolean }> {
  const descriptor = resolved.parsed.manifest.config;
  const existed = await deps.store.hasBlob(descriptor.digest);
  const bytes = existed ? await readStoredBlob(deps, descriptor.digest) : await resolved.session.fetchBlob(descriptor);
  let config: ImageConfig;
  try {
    config = parseImageConfig(bytes);
  } catch (err) {
    throw new TsctrError(`${resolved.source.name}: the image config ${descriptor.digest} is not usable: ${errorMessage(err)}`, 125, { cause: err });
  }
  return { config, bytes, existed };
}

function readStoredBlob(deps: PullDeps, digest: string): Promise<Buffer> {
  return readBlob(deps.store.paths, digest);
}

export async function pullImageWith(deps: PullDeps, input: string, opts: PullOptions): Promise<PullResult> {
  try {
    return await pullWith(deps, input, opts);
  } finally {
    await deps.store.close?.();
  }
}

async function pullWith(deps: PullDeps, input: string, opts: PullOptions): Promise<PullResult> {
  const emit = (event: PullEvent): void => opts.onProgress?.(event);
  const explicitPlatform = Boolean(opts.platform || opts.arch);
  const wanted = wantedPlatform(opts);
  const resolved = await resolveImage(input, deps, wanted, emit);
  const { source, session, parsed } = resolved;
  const layers = parsed.manifest.layers;
  emit({ kind: 'manifest', reference: source.name, digest: resolved.manifest.digest, layers: layers.map((l) => ({ digest: l.digest, size: l.size })) });

  const { config, bytes: configBytes, existed: configExisted } = await fetchConfig(resolved, deps);
  if (explicitPlatform && (config.architecture !== wanted.architecture || config.os !== wanted.os)) {
    const actual = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
    if (resolved.topDigest === resolved.manifest.digest) {
      emit({ kind: 'warning', message: `image platform (${actual}) does not match the expected platform (${formatPlatform(wanted)})` });
    }
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw new TsctrError(`${source.name}: the manifest lists ${layers.length} layers but the config has ${diffIds.length} diff ids; the image is malformed`);
  }
  const chains = chainIds(diffIds);

  const reportedExisting = new Set<number>();
  const layerState = (index: number, state: 'extracting' | 'done'): void => {
    if (reportedExisting.has(index)) return;
    const layer = layers[index];
    emit({ kind: 'blob', role: 'layer', digest: layer.digest, bytes: layer.size, total: layer.size, state });
  };
  // Each layer is extracted as soon as its blob is stored, while the others still download.
  const { extractLayers, streamLayer } = deps.store;
  const extraction = extractLayers
    ? new ExtractionPipeline((batch) =>
        extractLayers.call(deps.store, batch.map((i) => ({ chainId: chains[i], diffId: diffIds[i], blobDigest: layers[i].digest, mediaType: layers[i].mediaType })), (k, state) => layerState(batch[k], state)),
      )
    : undefined;
  try {
    await mapWithConcurrency(layers, opts.parallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS, async (layer: Descriptor, i: number) => {
      const report = (state: 'waiting' | 'downloading' | 'verifying' | 'exists', bytes: number): void =>
        emit({ kind: 'blob', role: 'layer', digest: layer.digest, bytes, total: layer.size, state });
      if (await deps.store.hasLayer(chains[i])) {
        reportedExisting.add(i);
        report('exists', layer.size);
        return;
      }
      if (await deps.store.hasBlob(layer.digest)) {
        reportedExisting.add(i);
        report('exists', layer.size);
      } else {
        report('downloading', 0);
        const onBytes = (bytes: number): void => report(bytes >= layer.size ? 'verifying' : 'downloading', bytes);
        if (streamLayer && layer.size >= STREAMED_LAYER_MIN_BYTES) {
          if (await downloadStreamed(deps, session, layer, { chainId: chains[i], diffId: diffIds[i], blobDigest: layer.digest, mediaType: layer.mediaType }, onBytes, (state) => layerState(i, state))) return;
        } else {
          await session.downloadBlobToStore(layer, onBytes);
        }
      }
      extraction?.add(i);
    });
  } catch (err) {
    // Nothing may still run when the pull reports its failure.
    await extraction?.finish().catch(() => undefined);
    throw err;
  }
  await extraction?.finish();

  // Every layer is there by now when extraction ran alongside; this checks them and makes their links.
  await deps.store.ensureLayers(
    layers.map((l, i) => ({ diffId: diffIds[i], blobDigest: l.digest, mediaType: l.mediaType })),
    layerState,
  );

  const configDigest = parsed.manifest.config.digest;
  if (!configExisted) await deps.store.writeBlob(configBytes, configDigest);
  emit({ kind: 'blob', role: 'config', digest: configDigest, bytes: configBytes.length, total: configBytes.length, state: configExisted ? 'exists' : 'done' });
  await deps.store.writeBlob(resolved.manifest.bytes, resolved.manifest.digest);

  emit({ kind: 'writing' });
  const id = configDigest.replace(/^sha256:/, '');
  await deps.store.recordImage({
    id,
    name: source.name,
    digest: resolved.topDigest,
    manifestDigest: resolved.manifest.digest,
    configDigest,
    layers: chains,
    ...(config.created !== undefined && { created: config.created }),
  });
  return { id, name: source.name, digest: resolved.topDigest };
}

/** Pulls `input` into the store at `opts.paths` with the real registry client and store. */
export async function pullImage(input: string, opts: PullOptions): Promise<PullResult> {
  return pullImageWith(await createPullDeps(opts), input, opts);
}
