/** Wires the pull orchestration (./pull.ts) to the registry client, registries.conf, auth and the store. */
import type { Descriptor } from 'oci-spec-types';
import { hasBlob, publishBlob, tempPathForDownload, writeBlob } from '../storage/blobs';
import { chainIds } from '../storage/digest';
import { ensureLayers, hasLayer } from '../storage/layers';
import { extractStreamedLayer } from '../storage/streamed-layer';
import { ExtractSession, sessionRunner } from '../storage/extract-session';
import { findCredentials } from './auth';
import { recordPulledImage } from './image-catalog-store';
import { choosePlatformManifest } from './pull-platform';
import type { PullOptions } from './pull';
import type { PullDeps, PullSource, RegistrySession, StorePort } from './pull-ports';
import { loadRegistriesConfig, resolvePullCandidates } from './registries-conf';
import { RegistryClient } from './registry-client';

function storePort(opts: PullOptions): StorePort {
  const { paths } = opts;
  // Started before the manifest is fetched: its launch overlaps the registry round trips.
  const session = ExtractSession.start();
  const runner = sessionRunner(session);
  return {
    paths,
    hasBlob: (digest) => hasBlob(paths, digest),
    writeBlob: async (bytes, digest) => {
      await writeBlob(paths, bytes, digest);
    },
    hasLayer: (chainId) => hasLayer(paths, chainId),
    ensureLayers: async (layers, onExtract) => {
      const chains = chainIds(layers.map((l) => l.diffId));
      await ensureLayers(
        paths,
        layers.map((l, i) => ({ chainId: chains[i], diffId: l.diffId, blobDigest: l.blobDigest, mediaType: l.mediaType })),
        { onExtract, runner },
      );
      return chains;
    },
    streamLayer: (layer, input, verified) => extractStreamedLayer(paths, layer, input, verified, runner),
    extractLayers: async (layers, onExtract) => {
      await ensureLayers(paths, layers, { onExtract, runner });
    },
    close: () => session.close(),
    recordImage: (record) => recordPulledImage(paths, record),
  };
}

function session(source: PullSource, opts: PullOptions): RegistrySession {
  let client: Promise<RegistryClient> | undefined;
  // Credentials: --creds, else auth.json for the name's registry (a mirror gets its own entry's).
  const open = (): Promise<RegistryClient> =>
    (client ??= (async () => {
      const credentials = opts.creds ?? (await findCredentials(source.registry, source.repository));
      return new RegistryClient({ registry: source.registry, insecure: source.insecure, ...(credentials && { credentials }) });
    })());
  return {
    getManifest: async (reference) => (await open()).getManifest(source.repository, reference),
    fetchBlob: async (descriptor: Descriptor) => (await open()).fetchBlob(source.repository, descriptor),
    downloadBlobToStore: async (descriptor, onBytes, tee) => {
      const temp = await tempPathForDownload(opts.paths);
      await (await open()).downloadBlob(source.repository, descriptor, temp, onBytes, tee);
      // downloadBlob checked the digest on the bytes it wrote and flushed the file.
      await publishBlob(opts.paths, temp, descriptor.digest, { verified: true, synced: true });
    },
  };
}

export async function createPullDeps(opts: PullOptions): Promise<PullDeps> {
  return {
    store: storePort(opts),
    resolveSources: async (input) => {
      const candidates = resolvePullCandidates(input, loadRegistriesConfig(), { tlsVerify: opts.tlsVerify });
      return candidates.flatMap((c) =>
        c.endpoints.map((e) => ({ name: c.imageName, registry: e.registry, repository: e.repository, reference: e.tagOrDigest, insecure: e.insecure })),
      );
    },
    openSession: (source) => session(source, opts),
    choosePlatform: choosePlatformManifest,
  };
}
