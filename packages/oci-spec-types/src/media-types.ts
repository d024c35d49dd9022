/** Media types of the OCI image spec and of Docker's schema2 formats, and what they tell about layers. */

export const MediaTypes = {
  ociDescriptor: 'application/vnd.oci.descriptor.v1+json',
  ociLayoutHeader: 'application/vnd.oci.layout.header.v1+json',
  ociImageIndex: 'application/vnd.oci.image.index.v1+json',
  ociImageManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociImageConfig: 'application/vnd.oci.image.config.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',

  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifestSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerImageConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerPluginConfig: 'application/vnd.docker.plugin.v1+json',
} as const;

export type MediaType = (typeof MediaTypes)[keyof typeof MediaTypes];

/** Media types a registry client should send in `Accept` for a manifest GET, preferred first. */
export const manifestAcceptTypes: readonly string[] = [
  MediaTypes.ociImageIndex,
  MediaTypes.ociImageManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.dockerManifest,
];

export const imageManifestMediaTypes: readonly string[] = [MediaTypes.ociImageManifest, MediaTypes.dockerManifest];
export const imageIndexMediaTypes: readonly string[] = [MediaTypes.ociImageIndex, MediaTypes.dockerManifestList];
export const imageConfigMediaTypes: readonly string[] = [MediaTypes.ociImageConfig, MediaTypes.dockerImageConfig];

export type LayerCompression = 'none' | 'gzip' | 'zstd';

const layerCompressions: ReadonlyMap<string, LayerCompression> = new Map<string, LayerCompression>([
  [MediaTypes.ociLayer, 'none'],
  [MediaTypes.ociLayerGzip, 'gzip'],
  [MediaTypes.ociLayerZstd, 'zstd'],
  [MediaTypes.ociLayerNondistributable, 'none'],
  [MediaTypes.ociLayerNondistributableGzip, 'gzip'],
  [MediaTypes.ociLayerNondistributableZstd, 'zstd'],
  [MediaTypes.dockerLayer, 'none'],
  [MediaTypes.dockerLayerGzip, 'gzip'],
  [MediaTypes.dockerLayerZstd, 'zstd'],
  [MediaTypes.dockerForeignLayerGzip, 'gzip'],
]);

/** Compression of a layer media type, or undefined when the media type is not a known layer type. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return layerCompressions.get(mediaType);
}

export function isLayerMediaType(mediaType: string): boolean {
  return layerCompressions.has(mediaType);
}

/**
 * Foreign (Docker) and non-distributable (OCI) layers may live outside the registry, at the
 * descriptor's `urls`; registries usually do not serve them.
 */
export function isNondistributableLayer(mediaType: string): boolean {
  return mediaType === MediaTypes.dockerForeignLayerGzip || mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.');
}
