/**
 * Checks the fixture images themselves (registry http + skopeo, never tsctr), so a broken fixture
 * build shows up here rather than as a puzzling failure in some pull or run test.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import * as tarStream from 'tar-stream';
import {
  AUTH_PASSWORD,
  AUTH_REGISTRY,
  AUTH_USER,
  FIXTURES,
  REGISTRY,
  fetchBlob,
  fetchManifest,
  layersExpected,
  pingStatus,
  runCommand,
  type ExpectedEntry,
} from './lib';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}
interface ImageConfig {
  architecture: string;
  os: string;
  config: { Cmd?: string[]; Env?: string[]; WorkingDir?: string; Labels?: Record<string, string>; ExposedPorts?: Record<string, object> };
  rootfs: { diff_ids: string[] };
}
interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string | null;
  pax: Record<string, string>;
  data: Buffer;
}

const creds = { username: AUTH_USER, password: AUTH_PASSWORD };
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarEntries(tar: Buffer): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      const name = header.name.replace(/\/$/, '');
      entries.set(name, {
        name,
        type: header.type ?? 'file',
        mode: header.mode ?? 0,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        mtime: Math.floor((header.mtime?.getTime() ?? 0) / 1000),
        linkname: header.linkname ?? null,
        pax: (header.pax ?? {}) as Record<string, string>,
        data: Buffer.concat(chunks),
      });
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(tar);
  });
  return entries;
}

async function imageOf(ref: string): Promise<{ manifest: { config: Descriptor; layers: Descriptor[]; mediaType: string }; config: ImageConfig }> {
  const m = await fetchManifest(ref);
  const manifest = m.json as unknown as { config: Descriptor; layers: Descriptor[]; mediaType: string };
  const config = JSON.parse((await fetchBlob(ref, manifest.config.digest)).toString('utf8')) as ImageConfig;
  return { manifest, config };
}

async function gzipLayer(ref: string, layer: Descriptor): Promise<Map<string, TarEntry>> {
  return tarEntries(gunzipSync(await fetchBlob(ref, layer.digest)));
}

/** The tar entry and its expected fields, as a comparable pair. */
function compare(entry: TarEntry | undefined, want: ExpectedEntry): [unknown, unknown] {
  const expected: Record<string, unknown> = { type: want.type };
  const actual: Record<string, unknown> = { type: entry ? tarTypeName(entry) : 'missing' };
  if ('mode' in want) [expected.mode, actual.mode] = [want.mode, entry ? (entry.mode & 0o7777).toString(8).padStart(4, '0') : undefined];
  if ('uid' in want) [expected.owner, actual.owner] = [`${want.uid}:${want.gid}`, entry ? `${entry.uid}:${entry.gid}` : undefined];
  if ('target' in want) [expected.target, actual.target] = [want.target, entry?.linkname];
  if (want.type === 'file') {
    if (want.content !== undefined) [expected.content, actual.content] = [want.content, entry?.data.toString('utf8')];
    if (want.size !== undefined) [expected.size, actual.size] = [want.size, entry?.data.length];
    if (want.sha256 !== undefined) [expected.sha256, actual.sha256] = [`sha256:${want.sha256}`, entry ? sha256(entry.data) : undefined];
    for (const [k, v] of Object.entries(want.xattrs ?? {})) [expected[k], actual[k]] = [v, entry?.pax[`SCHILY.xattr.${k}`]];
  }
  return [actual, expected];
}

function tarTypeName(e: TarEntry): string {
  if (e.name.endsWith('/.wh..wh..opq')) return 'opaque';
  if (e.name.split('/').pop()?.startsWith('.wh.')) return 'whiteout';
  return { file: 'file', directory: 'dir', symlink: 'symlink', link: 'hardlink' }[e.type] ?? e.type;
}

function elfMachine(binary: Buffer): number {
  expect(binary.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return binary.readUInt16LE(18);
}

describe('test registries', () => {
  it('answer on /v2/: plain without auth, the other one asking for it', async () => {
    expect(await pingStatus(REGISTRY)).toBe(200);
    expect(await pingStatus(AUTH_REGISTRY)).toBe(401);
  });
});

describe('fixture images', () => {
  let busyboxLayer: Descriptor;
  let layersDiffIds: string[];

  beforeAll(async () => {
    const busybox = await imageOf(FIXTURES.busybox);
    busyboxLayer = busybox.manifest.layers[0];
    layersDiffIds = (await imageOf(FIXTURES.layers)).config.rootfs.diff_ids;
  });

  it('busybox: one OCI layer with busybox, applet links and users; Cmd sh', async () => {
    const { manifest, config } = await imageOf(FIXTURES.busybox);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.layers).toHaveLength(1);
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux' });
    expect(config.config.Cmd).toEqual(['sh']);
    expect(config.config.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    const files = await gzipLayer(FIXTURES.busybox, manifest.layers[0]);
    expect(elfMachine(files.get('bin/busybox')!.data)).toBe(62); // x86-64
    const applets = [...files.values()].filter((e) => e.type === 'symlink' && e.linkname === '/bin/busybox');
    expect(applets.length).toBeGreaterThan(200);
    expect(files.get('etc/passwd')?.data.toString()).toContain('user:x:1000:1000:');
  });

  it('library/alpine is the busybox image (short-name mirror)', async () => {
    expect((await fetchManifest(FIXTURES.alpineMirror)).digest).toBe((await fetchManifest(FIXTURES.busybox)).digest);
  });

  it('layers: matches e2e/fixtures/layers-expected.json layer by layer', async () => {
    const expected = layersExpected();
    const { manifest, config } = await imageOf(FIXTURES.layers);
    expect(manifest.layers).toHaveLength(expected.layers.length);
    expect(manifest.layers[0].digest).toBe(busyboxLayer.digest);
    expect(config.config).toMatchObject({ Cmd: expected.config.cmd, WorkingDir: expected.config.workingDir, Labels: expected.config.labels });
    for (const [i, layer] of expected.layers.entries()) {
      const entries = await gzipLayer(FIXTURES.layers, manifest.layers[i]);
      for (const want of layer.entries) {
        const tarPath = 'tarPath' in want ? want.tarPath : want.path;
        const [actual, wanted] = compare(entries.get(tarPath), want);
        expect({ layer: layer.name, path: tarPath, ...(actual as object) }).toEqual({ layer: layer.name, path: tarPath, ...(wanted as object) });
        expect(entries.get(tarPath)?.mtime).toBe(expected.mtime);
      }
      if (layer.complete) {
        const listed = layer.entries.map((e) => ('tarPath' in e ? e.tarPath : e.path));
        expect([...entries.keys()].sort()).toEqual([...new Set(listed)].sort());
      }
    }
  });

  it('layers-v2s2: Docker schema2 media types, same diff ids', async () => {
    const { manifest, config } = await imageOf(FIXTURES.layersV2s2);
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(Array(4).fill('application/vnd.docker.image.rootfs.diff.tar.gzip'));
    expect(config.rootfs.diff_ids).toEqual(layersDiffIds);
  });

  it('layers-zstd: zstd layers that decompress to the same diff ids', async () => {
    const { manifest, config } = await imageOf(FIXTURES.layersZstd);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(Array(4).fill('application/vnd.oci.image.layer.v1.tar+zstd'));
    expect(config.rootfs.diff_ids).toEqual(layersDiffIds);
    const last = await fetchBlob(FIXTURES.layersZstd, manifest.layers[3].digest);
    expect(last.readUInt32LE(0)).toBe(0xfd2fb528); // zstd frame magic
    expect(sha256(Buffer.from(zstdDecompress(last)))).toBe(layersDiffIds[3]);
  });

  it('multi: an OCI index with linux/amd64 and linux/arm64, each marked and built for its arch', async () => {
    const index = await fetchManifest(FIXTURES.multi);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const manifests = index.json.manifests as Descriptor[];
    expect(manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
    for (const [m, machine] of [
      [manifests[0], 62],
      [manifests[1], 183], // aarch64
    ] as const) {
      const arch = m.platform!.architecture;
      const { manifest, config } = await imageOf(`${REGISTRY}/fixtures/multi@${m.digest}`);
      expect(config.architecture).toBe(arch);
      const files = await gzipLayer(FIXTURES.multi, manifest.layers[0]);
      expect(files.get('etc/arch-marker')?.data.toString()).toBe(`${arch}\n`);
      expect(elfMachine(files.get('bin/busybox')!.data)).toBe(machine);
    }
  });

  it('second: shares the busybox layer and adds one of its own', async () => {
    const { manifest } = await imageOf(FIXTURES.second);
    expect(manifest.layers).toHaveLength(2);
    expect(manifest.layers[0].digest).toBe(busyboxLayer.digest);
    const own = await gzipLayer(FIXTURES.second, manifest.layers[1]);
    expect(own.get('etc/second-marker')?.data.toString()).toBe('second image\n');
  });

  it('web: the busybox layer plus /www/index.html, EXPOSE 80/tcp and httpd as its command', async () => {
    const { manifest, config } = await imageOf(FIXTURES.web);
    expect(manifest.layers).toHaveLength(2);
    expect(manifest.layers[0].digest).toBe(busyboxLayer.digest);
    expect(config.config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(config.config.Cmd).toEqual(['httpd', '-f', '-p', '80', '-h', '/www']);
    const own = await gzipLayer(FIXTURES.web, manifest.layers[1]);
    expect(own.get('www/index.html')?.data.toString()).toBe('hello from the web fixture\n');
  });

  it('private/busybox on the auth registry: refused without credentials, served with them', async () => {
    await expect(fetchManifest(FIXTURES.privateBusybox)).rejects.toThrow('HTTP 401');
    const withCreds = await fetchManifest(FIXTURES.privateBusybox, creds);
    expect(withCreds.digest).toBe((await fetchManifest(FIXTURES.busybox)).digest);
    const skopeo = await runCommand(['skopeo', 'inspect', '--tls-verify=false', '--creds', `${AUTH_USER}:${AUTH_PASSWORD}`, `docker://${FIXTURES.privateBusybox}`]);
    expect(skopeo.exitCode).toBe(0);
    expect(JSON.parse(skopeo.stdout).Digest).toBe(withCreds.digest);
  });
});
