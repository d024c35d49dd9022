/**
 * Image manifests and indexes: OCI image manifest / image index, Docker schema2 manifest / manifest
 * list. `checkX(value, field)` throws SpecValidationError naming the bad field, `isX` is the type
 * predicate, `parseX(jsonTextOrBytes)` parses and validates.
 */
import { checkDescriptor, type Descriptor } from './descriptor';
import { MediaTypes } from './media-types';
import { checkPlatform, type Platform } from './platform';
import { checkObject, checkOptional, checkString, checkStringMap, fail, parseJson, passes, type Json } from './validate';

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface DockerManifest {
  schemaVersion: 2;
  mediaType: typeof MediaTypes.dockerManifest;
  config: Descriptor;
  layers: Descriptor[];
}

export interface DockerManifestListEntry extends Descriptor {
  platform: Platform;
}

export interface DockerManifestList {
  schemaVersion: 2;
  mediaType: typeof MediaTypes.dockerManifestList;
  manifests: DockerManifestListEntry[];
}

function checkSchemaVersion(obj: Json, field: string): void {
  if (obj.schemaVersion !== 2) fail(`${field}.schemaVersion`, 'schemaVersion 2', obj.schemaVersion);
}

function checkMediaTypeIs(obj: Json, field: string, expected: string, required: boolean): void {
  if (obj.mediaType === undefined && !required) return;
  if (obj.mediaType !== expected) fail(`${field}.mediaType`, JSON.stringify(expected), obj.mediaType);
}

function checkDescriptorArray(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) fail(field, 'an array of descriptors', value);
  value.forEach((item, i) => checkDescriptor(item, `${field}[${i}]`));
  return value as Descriptor[];
}

function checkManifestShape(value: unknown, field: string): Json {
  const obj = checkObject(value, field);
  checkSchemaVersion(obj, field);
  checkDescriptor(obj.config, `${field}.config`);
  checkDescriptorArray(obj.layers, `${field}.layers`);
  return obj;
}

function checkIndexShape(value: unknown, field: string): Json {
  const obj = checkObject(value, field);
  checkSchemaVersion(obj, field);
  checkDescriptorArray(obj.manifests, `${field}.manifests`);
  return obj;
}

/** The optional fields an OCI image manifest and an OCI image index have in common. */
function checkOciOptionalFields(obj: Json, field: string): void {
  checkOptional(obj, 'artifactType', field, checkString);
  checkOptional(obj, 'subject', field, checkDescriptor);
  checkOptional(obj, 'annotations', field, checkStringMap);
}

export function checkImageManifest(value: unknown, field = 'manifest'): ImageManifest {
  const obj = checkManifestShape(value, field);
  checkMediaTypeIs(obj, field, MediaTypes.ociImageManifest, false);
  checkOciOptionalFields(obj, field);
  return obj as unknown as ImageManifest;
}

export function checkImageIndex(value: unknown, field = 'index'): ImageIndex {
  const obj = checkIndexShape(value, field);
  checkMediaTypeIs(obj, field, MediaTypes.ociImageIndex, false);
  checkOciOptionalFields(obj, field);
  return obj as unknown as ImageIndex;
}

export function checkDockerManifest(value: unknown, field = 'manifest'): DockerManifest {
  const obj = checkManifestShape(value, field);
  checkMediaTypeIs(obj, field, MediaTypes.dockerManifest, true);
  return obj as unknown as DockerManifest;
}

export function checkDockerManifestList(value: unknown, field = 'manifest list'): DockerManifestList {
  const obj = checkIndexShape(value, field);
  checkMediaTypeIs(obj, field, MediaTypes.dockerManifestList, true);
  (obj.manifests as unknown[]).forEach((entry, i) => checkPlatform((entry as Json).platform, `${field}.manifests[${i}].platform`));
  return obj as unknown as DockerManifestList;
}

export const isImageManifest = (value: unknown): value is ImageManifest => passes(() => checkImageManifest(value));
export const isImageIndex = (value: unknown): value is ImageIndex => passes(() => checkImageIndex(value));
export const isDockerManifest = (value: unknown): value is DockerManifest => passes(() => checkDockerManifest(value));
export const isDockerManifestList = (value: unknown): value is DockerManifestList => passes(() => checkDockerManifestList(value));

export const parseImageManifest = (json: string | Uint8Array): ImageManifest => checkImageManifest(parseJson(json, 'manifest'));
export const parseImageIndex = (json: string | Uint8Array): ImageIndex => checkImageIndex(parseJson(json, 'index'));
export const parseDockerManifest = (json: string | Uint8Array): DockerManifest => checkDockerManifest(parseJson(json, 'manifest'));
export const parseDockerManifestList = (json: string | Uint8Array): DockerManifestList => checkDockerManifestList(parseJson(json, 'manifest list'));

/** A manifest of either family, classified: one image, or a list of per-platform images. */
export type AnyManifest =
  | { kind: 'image'; mediaType: string; manifest: ImageManifest | DockerManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex | DockerManifestList };

/**
 * Parses manifest bytes fetched from a registry. The media type is the body's `mediaType` field,
 * else `contentType` (the response's Content-Type), else guessed from the shape (`manifests` ->
 * OCI index, `config` -> OCI manifest). Schema 1 and unknown media types are refused.
 */
export function parseAnyManifest(json: string | Uint8Array, contentType?: string): AnyManifest {
  const value = parseJson(json, 'manifest');
  const obj = checkObject(value, 'manifest');
  const header = contentType?.split(';')[0]?.trim();
  let mediaType = typeof obj.mediaType === 'string' ? obj.mediaType : header && header !== 'application/json' && header !== 'text/plain' ? header : undefined;
  if (mediaType === undefined) mediaType = Array.isArray(obj.manifests) ? MediaTypes.ociImageIndex : MediaTypes.ociImageManifest;
  switch (mediaType) {
    case MediaTypes.ociImageManifest:
      return { kind: 'image', mediaType, manifest: checkImageManifest(obj) };
    case MediaTypes.dockerManifest:
      return { kind: 'image', mediaType, manifest: checkDockerManifest({ ...obj, mediaType }) };
    case MediaTypes.ociImageIndex:
      return { kind: 'index', mediaType, index: checkImageIndex(obj) };
    case MediaTypes.dockerManifestList:
      return { kind: 'index', mediaType, index: checkDockerManifestList({ ...obj, mediaType }) };
    case MediaTypes.dockerManifestSchema1:
    case MediaTypes.dockerManifestSchema1Signed:
      return fail('manifest.mediaType', 'a schema2 or OCI manifest (Docker schema 1 is not supported)', mediaType);
    default:
      return fail('manifest.mediaType', 'an OCI or Docker schema2 manifest or index media type', mediaType);
  }
}
