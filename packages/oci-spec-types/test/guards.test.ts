import {
  checkDigest,
  isDescriptor,
  isDigest,
  isDockerManifestList,
  isImageIndex,
  isImageManifest,
  isPlatform,
  layerCompression,
  isNondistributableLayer,
  MediaTypes,
  parseAnyManifest,
  parseDockerManifest,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
  SpecValidationError,
} from 'oci-spec-types';

const hex = (c: string) => c.repeat(64);
const desc = (mediaType: string, c: string, size = 10) => ({ mediaType, digest: `sha256:${hex(c)}`, size });

const ociManifest = {
  schemaVersion: 2,
  mediaType: MediaTypes.ociImageManifest,
  config: desc(MediaTypes.ociImageConfig, 'a'),
  layers: [desc(MediaTypes.ociLayerGzip, 'b'), desc(MediaTypes.ociLayerZstd, 'c')],
  annotations: { 'org.opencontainers.image.title': 'x' },
};

function errorOf(fn: () => unknown): SpecValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecValidationError) return err;
    throw err;
  }
  throw new Error('expected a SpecValidationError');
}

describe('digests', () => {
  it('accepts sha256 and sha512 with the right length, and unregistered algorithms by grammar', () => {
    expect(isDigest(`sha256:${hex('0')}`)).toBe(true);
    expect(isDigest(`sha512:${'f'.repeat(128)}`)).toBe(true);
    expect(isDigest('blake3:abcDEF')).toBe(true);
  });
  it('refuses bad digests with the field named', () => {
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest('nocolon')).toBe(false);
    expect(isDigest(42)).toBe(false);
    expect(errorOf(() => checkDigest('sha256:1', 'x.digest')).message).toMatch(/^x\.digest: expected a sha256 digest with 64/);
  });
});

describe('descriptor and platform', () => {
  it('checks required and optional fields', () => {
    expect(isDescriptor(desc('a/b', '1'))).toBe(true);
    expect(isDescriptor({ ...desc('a/b', '1'), urls: ['http://x'], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })).toBe(true);
    expect(isDescriptor({ ...desc('a/b', '1'), size: -1 })).toBe(false);
    expect(isDescriptor({ ...desc('a/b', '1'), size: 1.5 })).toBe(false);
    expect(isDescriptor({ ...desc('a/b', '1'), annotations: { a: 1 } })).toBe(false);
    expect(isPlatform({ os: 'linux' })).toBe(false);
    expect(isPlatform({ os: 'linux', architecture: 'amd64', 'os.features': ['x'] })).toBe(true);
  });
});

describe('image manifest', () => {
  it('parses a valid OCI manifest from text and bytes', () => {
    expect(parseImageManifest(JSON.stringify(ociManifest)).layers).toHaveLength(2);
    expect(parseImageManifest(new TextEncoder().encode(JSON.stringify(ociManifest))).config.digest).toBe(`sha256:${hex('a')}`);
    expect(isImageManifest(ociManifest)).toBe(true);
  });
  it('names the bad field', () => {
    const bad = { ...ociManifest, layers: [ociManifest.layers[0], { ...ociManifest.layers[1], digest: 'sha256:zz' }] };
    expect(errorOf(() => parseImageManifest(JSON.stringify(bad))).field).toBe('manifest.layers[1].digest');
    expect(errorOf(() => parseImageManifest(JSON.stringify({ ...ociManifest, schemaVersion: 1 }))).field).toBe('manifest.schemaVersion');
    expect(errorOf(() => parseImageManifest(JSON.stringify({ ...ociManifest, mediaType: MediaTypes.dockerManifest }))).field).toBe('manifest.mediaType');
    expect(errorOf(() => parseImageManifest('{not json')).message).toMatch(/^manifest: not valid JSON/);
    expect(errorOf(() => parseImageManifest('[]')).message).toBe('manifest: expected an object, got an array');
  });
  it('requires the Docker media type for schema2', () => {
    const docker = { ...ociManifest, mediaType: MediaTypes.dockerManifest };
    expect(parseDockerManifest(JSON.stringify(docker)).mediaType).toBe(MediaTypes.dockerManifest);
    expect(errorOf(() => parseDockerManifest(JSON.stringify({ ...docker, mediaType: undefined }))).field).toBe('manifest.mediaType');
  });
});

describe('image index and manifest list', () => {
  const entries = [
    { ...desc(MediaTypes.ociImageManifest, 'd'), platform: { os: 'linux', architecture: 'amd64' } },
    { ...desc(MediaTypes.ociImageManifest, 'e'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ];
  it('accepts an OCI index, platform optional', () => {
    expect(parseImageIndex(JSON.stringify({ schemaVersion: 2, manifests: [...entries, desc(MediaTypes.ociImageManifest, 'f')] })).manifests).toHaveLength(3);
    expect(isImageIndex({ schemaVersion: 2, manifests: {} })).toBe(false);
  });
  it('requires platforms in a Docker manifest list', () => {
    expect(isDockerManifestList({ schemaVersion: 2, mediaType: MediaTypes.dockerManifestList, manifests: entries })).toBe(true);
    expect(isDockerManifestList({ schemaVersion: 2, mediaType: MediaTypes.dockerManifestList, manifests: [desc(MediaTypes.dockerManifest, 'd')] })).toBe(false);
  });
});

describe('parseAnyManifest', () => {
  it('classifies by body media type, then Content-Type, then shape', () => {
    expect(parseAnyManifest(JSON.stringify(ociManifest)).kind).toBe('image');
    const { mediaType: _m, ...bare } = ociManifest;
    expect(parseAnyManifest(JSON.stringify(bare), `${MediaTypes.dockerManifest}; charset=utf-8`)).toMatchObject({ kind: 'image', mediaType: MediaTypes.dockerManifest });
    expect(parseAnyManifest(JSON.stringify(bare), 'application/json')).toMatchObject({ kind: 'image', mediaType: MediaTypes.ociImageManifest });
    expect(parseAnyManifest(JSON.stringify({ schemaVersion: 2, manifests: [] }))).toMatchObject({ kind: 'index', mediaType: MediaTypes.ociImageIndex });
  });
  it('refuses schema 1 and unknown types', () => {
    expect(errorOf(() => parseAnyManifest(JSON.stringify({ schemaVersion: 1, mediaType: MediaTypes.dockerManifestSchema1Signed }))).message).toMatch(/schema 1 is not supported/);
    expect(errorOf(() => parseAnyManifest('{}', 'application/vnd.example+json')).field).toBe('manifest.mediaType');
  });
});

describe('image config', () => {
  const config = {
    created: '2024-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/bin'],
      Cmd: ['sh'],
      Entrypoint: null,
      WorkingDir: '/',
      User: '1000:1000',
      Labels: { a: 'b' },
      StopSignal: 'SIGINT',
      ExposedPorts: { '80/tcp': {} },
      Volumes: { '/data': {} },
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${hex('1')}`] },
    history: [{ created_by: 'ADD x', empty_layer: false }],
  };
  it('accepts Docker nulls and a full config', () => {
    const parsed = parseImageConfig(JSON.stringify(config));
    expect(parsed.config?.Cmd).toEqual(['sh']);
    expect(parsed.config?.Entrypoint).toBeNull();
    expect(parsed.rootfs.diff_ids).toHaveLength(1);
  });
  it('names bad fields', () => {
    expect(errorOf(() => parseImageConfig(JSON.stringify({ ...config, rootfs: { type: 'x', diff_ids: [] } }))).field).toBe('image config.rootfs.type');
    expect(errorOf(() => parseImageConfig(JSON.stringify({ ...config, config: { Env: 'PATH=/bin' } }))).field).toBe('image config.config.Env');
    expect(errorOf(() => parseImageConfig(JSON.stringify({ ...config, config: { ExposedPorts: { '80/tcp': true } } }))).field).toBe('image config.config.ExposedPorts["80/tcp"]');
    expect(errorOf(() => parseImageConfig(JSON.stringify({ ...config, os: '' }))).field).toBe('image config.os');
  });
});

describe('media types', () => {
  it('knows layer compression and foreign layers', () => {
    expect(layerCompression(MediaTypes.ociLayer)).toBe('none');
    expect(layerCompression(MediaTypes.dockerLayerGzip)).toBe('gzip');
    expect(layerCompression(MediaTypes.ociLayerNondistributableZstd)).toBe('zstd');
    expect(layerCompression(MediaTypes.ociImageConfig)).toBeUndefined();
    expect(isNondistributableLayer(MediaTypes.dockerForeignLayerGzip)).toBe(true);
    expect(isNondistributableLayer(MediaTypes.ociLayerNondistributableGzip)).toBe(true);
    expect(isNondistributableLayer(MediaTypes.ociLayerGzip)).toBe(false);
  });
});
