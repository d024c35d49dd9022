/**
 * The narrow interfaces the pull orchestration (./pull.ts) needs from the registry client and the
 * store. ./pull-adapters.ts implements them with the real modules; unit tests use fakes.
 */
import type { Readable, Writable } from 'node:stream';
import type { Descriptor } from 'oci-spec-types';
import type { StorePaths } from '../storage/paths';
import type { ImageRecordInput } from '../storage/images';
import type { FetchedManifest } from './registry-client';

export type { FetchedManifest, ImageRecordInput };

/** One place to try: a mirror or the registry itself, for one resolved name. */
export interface PullSource {
  /** The name recorded in the store, e.g. `localhost:5000/library/alpine:latest` (or `...@sha256:...`). */
  readonly name: string;
  /** host[:port] contacted (a mirror's or the registry's). */
  readonly registry: string;
  /** Repository path at that host. */
  readonly repository: string;
  /** Tag or digest. */
  readonly reference: string;
  readonly insecure: boolean;
}

export interface RegistrySession {
  getManifest(reference: string): Promise<FetchedManifest>;
  /** Small blobs (config): the verified bytes. */
  fetchBlob(descriptor: Descriptor): Promise<Buffer>;
  /** Downloads a layer blob into the store's blob dir (verified, published by rename). */
  /** `tee`: see RegistryClient.downloadBlob (the bytes as they arrive, for a streamed extraction). */
  downloadBlobToStore(descriptor: Descriptor, onBytes: (bytesSoFar: number) => void, tee?: Writable): Promise<void>;
}

export interface LayerToEnsure {
  readonly diffId: string;
  readonly blobDigest: string;
  readonly mediaType: string;
}

export interface StorePort {
  readonly paths: StorePaths;
  hasBlob(digest: string): Promise<boolean>;
  writeBlob(bytes: Uint8Array, digest: string): Promise<void>;
  hasLayer(chainId: string): Promise<boolean>;
  /** Extracts the layers that are missing, verifying diff ids; returns the chain ids. */
  ensureLayers(layers: readonly LayerToEnsure[], onExtract: (index: number, state: 'extracting' | 'done') => void): Promise<string[]>;
  /**
   * Extracts and publishes some layers of an image whose chain ids are known (any subset, in any
   * order), so a pull can extract a layer while others still download. Optional: without it the
   * pull extracts everything in ensureLayers after the downloads.
   */
  /**
   * Extracts one layer from its blob's bytes as they download (`input`); publishes it only once
   * `verified` (the download's digest check) resolved and its diff id matched. False: nothing was
   * published, extract it from the stored blob instead. Optional.
   */
  streamLayer?(layer: LayerToEnsure & { readonly chainId: string }, input: Readable, verified: Promise<void>): Promise<boolean>;
  extractLayers?(layers: readonly (LayerToEnsure & { readonly chainId: string })[], onExtract: (index: number, state: 'extracting' | 'done') => void): Promise<void>;
  /** Ends what the store started for this pull (its extraction worker); called once, at the end. */
  close?(): Promise<void>;
  /** Records the image (and its name) atomically under the store lock. */
  recordImage(record: ImageRecordInput): Promise<void>;
}

export interface PlatformWanted {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface PullDeps {
  readonly store: StorePort;
  /** The sources to try for `input`, in order (mirrors first, then the location, per candidate name). */
  resolveSources(input: string): Promise<readonly PullSource[]>;
  openSession(source: PullSource): RegistrySession;
  /** Chooses the manifest of `wanted` from an index; throws a TsctrError listing the platforms available. */
  choosePlatform(manifests: readonly Descriptor[], wanted: PlatformWanted, reference: string): Descriptor;
}
