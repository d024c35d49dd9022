import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MediaTypes } from 'oci-spec-types';
import { TsctrError } from '@tsctr/engine/errors';
import { RegistryClient, RegistryError, schemesToTry, type RegistryClientOptions } from '@tsctr/engine/image/registry-client';
import { FakeRegistry, sha256 } from './fake-registry';

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
const alice = { username: 'alice', password: 's3cret' };

function imageManifest(fake: FakeRegistry) {
  const config = fake.addBlob(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = fake.addBlob(Buffer.alloc(100_000, 7));
  return {
    manifest: { schemaVersion: 2, mediaType: MediaTypes.ociImageManifest, config: { ...config, mediaType: MediaTypes.ociImageConfig }, layers: [layer] },
    config,
    layer,
  };
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toBeInstanceOf(TsctrError);
    return err as RegistryError;
  }
  throw new Error('expected a rejection');
}

describe('RegistryClient against a bearer-token registry', () => {
  let fake: FakeRegistry;
  let dir: string;
  const client = (extra: Partial<RegistryClientOptions> = {}) => new RegistryClient({ registry: fake.host, insecure: false, credentials: alice, retry: fastRetry, ...extra });

  beforeEach(async () => {
    fake = await FakeRegistry.start({ auth: 'bearer', user: alice });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regclient-'));
  });
  afterEach(async () => {
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a manifest by tag with a bearer token (one token per scope, basic credentials sent to the realm)', async () => {
    const { manifest } = imageManifest(fake);
    const digest = fake.addManifest('app/one', ['latest'], manifest, MediaTypes.ociImageManifest);
    const c = client();
    const got = await c.getManifest('app/one', 'latest');
    expect(got.digest).toBe(digest);
    expect(got.mediaType).toBe(MediaTypes.ociImageManifest);
    expect(JSON.parse(got.bytes.toString())).toEqual(manifest);
    expect((await c.getManifest('app/one', digest)).digest).toBe(digest);

    const tokenRequests = fake.requests.filter((r) => r.server === 'token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.url).toBe('/token?service=fake-registry&scope=repository%3Aapp%2Fone%3Apull');
    expect(tokenRequests[0]?.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    const manifestRequest = fake.requests.find((r) => r.url === '/v2/app/one/manifests/latest');
    expect(manifestRequest?.accept).toContain(MediaTypes.ociImageIndex);
    expect(manifestRequest?.accept).toContain(MediaTypes.dockerManifest);
  });

  it('fetches an index with its content type', async () => {
    const index = { schemaVersion: 2, manifests: [{ mediaType: MediaTypes.ociImageManifest, digest: sha256('x'), size: 1, platform: { os: 'linux', architecture: 'arm64' } }] };
    fake.addManifest('multi', ['latest'], index, MediaTypes.ociImageIndex);
    expect((await client().getManifest('multi', 'latest')).mediaType).toBe(MediaTypes.ociImageIndex);
  });

  it('refuses a manifest whose bytes do not match the digest asked for, or the Docker-Content-Digest header', async () => {
    const { manifest } = imageManifest(fake);
    const wrong = sha256('something else');
    fake.manifests.set(`app:${wrong}`, { body: Buffer.from(JSON.stringify(manifest)), mediaType: MediaTypes.ociImageManifest });
    expect((await rejection(client().getManifest('app', wrong))).message).toMatch(new RegExp(`manifest ${fake.host}/app@${wrong} failed verification: got sha256:`));
    fake.manifests.set('app:lying', { body: Buffer.from(JSON.stringify(manifest)), mediaType: MediaTypes.ociImageManifest, digestHeader: wrong });
    expect((await rejection(client().getManifest('app', 'lying'))).message).toMatch(/the registry says sha256:.*its content is sha256:/);
  });

  it('404: image not known, naming host/repo:tag', async () => {
    const err = await rejection(client().getManifest('nothing/here', 'v1'));
    expect(err.message).toBe(`image not known: ${fake.host}/nothing/here:v1`);
    expect(err).toMatchObject({ status: 404, code: 'MANIFEST_UNKNOWN', registry: fake.host, repository: 'nothing/here' });
  });

  it('401 without credentials: tells to log in', async () => {
    fake.addManifest('app', ['latest'], imageManifest(fake).manifest, MediaTypes.ociImageManifest);
    const err = await rejection(client({ credentials: undefined }).getManifest('app', 'latest'));
    expect(err.message).toBe(`authentication required for ${fake.host}/app: run tsctr login ${fake.host}`);
    expect(err.status).toBe(401);
  });

  it('401 with wrong credentials: says they were refused', async () => {
    const err = await rejection(client({ credentials: { username: 'alice', password: 'nope' } }).getManifest('app', 'latest'));
    expect(err.message).toMatch(/credentials for .* were refused; run tsctr login/);
  });

  it('downloads a blob to a file, verified, reporting progress', async () => {
    const { layer } = imageManifest(fake);
    const dest = path.join(dir, 'blob');
    const progress: number[] = [];
    await client().downloadBlob('app', layer, dest, (n) => progress.push(n));
    expect(fs.readFileSync(dest)).toEqual(Buffer.alloc(100_000, 7));
    expect(progress[progress.length - 1]).toBe(100_000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('a corrupt blob fails with both digests and leaves no file', async () => {
    const { layer } = imageManifest(fake);
    const corrupt = Buffer.alloc(layer.size, 8);
    fake.blobs.set(layer.digest, corrupt);
    const dest = path.join(dir, 'blob');
    const err = await rejection(client().downloadBlob('app', layer, dest));
    expect(err.message).toBe(`blob ${layer.digest} from ${fake.host}/app failed verification: got ${sha256(corrupt)}`);
    expect(fs.existsSync(dest)).toBe(false);
    // not retried: a wrong digest will not become right
    expect(fake.requests.filter((r) => r.url === `/v2/app/blobs/${layer.digest}`)).toHaveLength(1);
  });

  it('a blob longer than its descriptor fails early', async () => {
    const { layer } = imageManifest(fake);
    fake.blobs.set(layer.digest, Buffer.alloc(layer.size + 10, 7));
    const dest = path.join(dir, 'blob');
    expect((await rejection(client().downloadBlob('app', layer, dest))).message).toMatch(/failed verification: more than the expected 100000 bytes/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('fetchBlob returns verified small blobs and refuses corrupt ones', async () => {
    const { config } = imageManifest(fake);
    const bytes = await client().fetchBlob('app', config);
    expect(JSON.parse(bytes.toString()).architecture).toBe('amd64');
    fake.blobs.set(config.digest, Buffer.alloc(config.size, 32));
    expect((await rejection(client().fetchBlob('app', config))).message).toMatch(/failed verification: got sha256:/);
  });

  it('retries 503 twice, then succeeds', async () => {
    const { manifest } = imageManifest(fake);
    fake.addManifest('flaky', ['latest'], manifest, MediaTypes.ociImageManifest);
    fake.failuresLeft.set('/v2/flaky/manifests/latest', 2);
    await client().getManifest('flaky', 'latest');
    expect(fake.requests.filter((r) => r.url === '/v2/flaky/manifests/latest' && r.authorization?.startsWith('Bearer'))).toHaveLength(3);
  });

  it('gives up after the attempts, reporting the status', async () => {
    fake.failuresLeft.set('/v2/down/manifests/latest', 10);
    const err = await rejection(client().getManifest('down', 'latest'));
    expect(err).toMatchObject({ status: 503, retryable: true });
    expect(err.message).toMatch(new RegExp(`registry ${fake.host} answered HTTP 503 for manifest ${fake.host}/down:latest: try later`));
    expect(fake.requests.filter((r) => r.url === '/v2/down/manifests/latest' && r.authorization?.startsWith('Bearer'))).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    fake.fixedStatus.set('/v2/bad/manifests/latest', 400);
    expect((await rejection(client().getManifest('bad', 'latest'))).status).toBe(400);
    expect(fake.requests.filter((r) => r.url === '/v2/bad/manifests/latest' && r.authorization?.startsWith('Bearer'))).toHaveLength(1);
  });

  it('follows a blob redirect to another host, dropping Authorization there', async () => {
    const { layer } = imageManifest(fake);
    fake.redirectedBlobs.add(layer.digest);
    const dest = path.join(dir, 'blob');
    await client().downloadBlob('app', layer, dest);
    expect(fs.readFileSync(dest)).toEqual(Buffer.alloc(100_000, 7));
    const atRegistry = fake.requests.find((r) => r.server === 'registry' && r.url === `/v2/app/blobs/${layer.digest}` && r.authorization);
    expect(atRegistry?.authorization).toBe('Bearer token-for-repository:app:pull');
    const atStorage = fake.requests.filter((r) => r.server === 'storage');
    expect(atStorage).toHaveLength(1);
    expect(atStorage[0]?.authorization).toBeUndefined();
  });

  it('times out a request that never answers', async () => {
    fake.hanging.add('/v2/slow/manifests/latest');
    const err = await rejection(client({ timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).getManifest('slow', 'latest'));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toMatch(/cannot reach registry .* ETIMEDOUT after 2 attempts/);
  });
});

describe('RegistryClient: other auth schemes and reachability', () => {
  it('basic auth registry', async () => {
    const fake = await FakeRegistry.start({ auth: 'basic', user: alice });
    try {
      const { manifest } = imageManifest(fake);
      const digest = fake.addManifest('b', ['1'], manifest, MediaTypes.dockerManifest);
      const got = await new RegistryClient({ registry: fake.host, insecure: false, credentials: alice, retry: fastRetry }).getManifest('b', '1');
      expect(got.digest).toBe(digest);
      expect(fake.requests.filter((r) => r.server === 'token')).toHaveLength(0);
      expect((await rejection(new RegistryClient({ registry: fake.host, insecure: false, retry: fastRetry }).getManifest('b', '1'))).status).toBe(401);
    } finally {
      await fake.stop();
    }
  });

  it('anonymous registry', async () => {
    const fake = await FakeRegistry.start({ auth: 'none' });
    try {
      const { manifest } = imageManifest(fake);
      fake.addManifest('c', ['1'], manifest, MediaTypes.ociImageManifest);
      await new RegistryClient({ registry: fake.host, insecure: false, retry: fastRetry }).getManifest('c', '1');
      expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await fake.stop();
    }
  });

  it('nothing listening: a clear error naming the registry and what was tried', async () => {
    const fake = await FakeRegistry.start({ auth: 'none' });
    const host = fake.host;
    await fake.stop();
    const err = await rejection(new RegistryClient({ registry: host, insecure: false, retry: fastRetry }).getManifest('x', 'latest'));
    expect(err.message).toBe(`cannot reach registry ${host}: http://${host}: ECONNREFUSED; https://${host}: ECONNREFUSED`);
  });

  it('chooses schemes: loopback http first, insecure https then http, others https only', () => {
    expect(schemesToTry('localhost:5000', false)).toEqual(['http', 'https']);
    expect(schemesToTry('127.1.2.3', false)).toEqual(['http', 'https']);
    expect(schemesToTry('[::1]:5000', false)).toEqual(['http', 'https']);
    expect(schemesToTry('registry.example:5000', true)).toEqual(['https', 'http']);
    expect(schemesToTry('registry.example', false)).toEqual(['https']);
    expect(schemesToTry('128.0.0.1', false)).toEqual(['https']);
  });
});
