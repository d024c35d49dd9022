/**
 * Images end to end, as the unprivileged test user against the local registries (e2e/setup):
 * pull (short names through a mirror, platforms, v2s2, zstd, shared layers, kill -9, concurrency,
 * corrupt blobs), images, image inspect, tag, rmi, login/logout.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AUTH_PASSWORD, AUTH_REGISTRY, AUTH_USER, FIXTURES } from './lib/fixtures';
import { asUserArgv, runTsctr, TSCTR_BIN, type RunResult } from './lib/run';
import { makeTestStore, registriesConfFor, type TestStore } from './lib/test-store';
import { TEST_USER, userInfo } from './lib/users';

const ID = /^[0-9a-f]{64}$/;

// Pulls of the ~40 MB layers fixture and several images per test: more than jest's default 5 s.
jest.setTimeout(180_000);

function ok(r: RunResult): RunResult {
  if (r.exitCode !== 0) throw new Error(`tsctr exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

async function imagesJson(store: TestStore): Promise<Array<{ Id: string; Names: string[] | null; Digest: string; RepoDigests: string[]; Size: number; Created: number }>> {
  return JSON.parse(ok(await runTsctr(['images', '--format', 'json'], { store })).stdout);
}

async function inspect(store: TestStore, image: string): Promise<{ Id: string; Architecture: string; Os: string; RootFS: { Layers: string[] }; Config: Record<string, unknown> }> {
  const [record] = JSON.parse(ok(await runTsctr(['image', 'inspect', image], { store })).stdout);
  return record;
}

function layerDirs(store: TestStore): string[] {
  try {
    return fs.readdirSync(path.join(store.root, 'layers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
  } catch {
    return [];
  }
}


describe('tsctr pull / images / image inspect', () => {
  let store: TestStore;
  beforeEach(() => {
    store = makeTestStore();
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('pulls the short name alpine through the registries.conf mirror and lists it', async () => {
    const env = { CONTAINERS_REGISTRIES_CONF: registriesConfFor(store) };
    const pull = ok(await runTsctr(['pull', 'alpine'], { store, env }));
    const id = pull.stdout.trim();
    expect(id).toMatch(ID);
    expect(pull.stderr).toContain('Trying to pull docker.io/library/alpine:latest...');
    expect(pull.stderr).toContain('Getting image source signatures');
    expect(pull.stderr).toMatch(/Copying blob [0-9a-f]{12} done/);
    expect(pull.stderr).toMatch(/Copying config [0-9a-f]{12} done/);
    expect(pull.stderr).toContain('Writing manifest to image destination');

    const table = ok(await runTsctr(['images'], { store })).stdout.split('\n');
    expect(table[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(table[1]).toMatch(new RegExp(`^docker\\.io/library/alpine\\s+latest\\s+${id.slice(0, 12)}\\s+\\S.* ago\\s+[0-9.]+ [kMG]?B$`));

    const json = await imagesJson(store);
    expect(json).toHaveLength(1);
    expect(json[0].Id).toBe(id);
    expect(json[0].Names).toEqual(['docker.io/library/alpine:latest']);
    expect(json[0].Digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json[0].Size).toBeGreaterThan(0);

    expect(ok(await runTsctr(['images', '-q'], { store })).stdout).toBe(`${id.slice(0, 12)}\n`);
    expect(ok(await runTsctr(['images', '--format', '{{.Repository}}:{{.Tag}}'], { store })).stdout).toBe('docker.io/library/alpine:latest\n');
    // The stored short name resolves for inspect too.
    expect((await inspect(store, 'alpine')).Id).toBe(id);
  });

  it('-q prints only the id', async () => {
    const r = ok(await runTsctr(['pull', '-q', FIXTURES.busybox], { store }));
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(r.stderr).toBe('');
  });

  it('chooses the platform from an index: host by default, arm64 with --platform', async () => {
    ok(await runTsctr(['pull', FIXTURES.multi], { store }));
    expect((await inspect(store, FIXTURES.multi)).Architecture).toBe(process.arch === 'arm64' ? 'arm64' : 'amd64');

    const other = makeTestStore();
    try {
      ok(await runTsctr(['pull', '--platform', 'linux/arm64', FIXTURES.multi], { store: other }));
      const record = await inspect(other, FIXTURES.multi);
      expect(record.Architecture).toBe('arm64');
      expect(record.Os).toBe('linux');
    } finally {
      await other.cleanup();
    }
  });

  it('names the platforms an index offers when the wanted one is missing', async () => {
    const r = await runTsctr(['pull', '--arch', 's390x', FIXTURES.multi], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain('linux/amd64');
    expect(r.stderr).toContain('linux/arm64');
    expect(await imagesJson(store)).toEqual([]);
  });

  it('pulls the Docker schema2 and the zstd variants to the same diff ids', async () => {
    ok(await runTsctr(['pull', FIXTURES.layers], { store }));
    ok(await runTsctr(['pull', FIXTURES.layersV2s2], { store }));
    ok(await runTsctr(['pull', FIXTURES.layersZstd], { store }));
    const oci = await inspect(store, FIXTURES.layers);
    expect((await inspect(store, FIXTURES.layersV2s2)).RootFS.Layers).toEqual(oci.RootFS.Layers);
    expect((await inspect(store, FIXTURES.layersZstd)).RootFS.Layers).toEqual(oci.RootFS.Layers);
    // Same diff ids -> same chain ids: the three images share their layer dirs.
    expect(layerDirs(store)).toHaveLength(oci.RootFS.Layers.length);
    expect(oci.Config.WorkingDir).toBe('/data');
  });

  it('a second image sharing the base downloads and extracts only its own layer', async () => {
    ok(await runTsctr(['pull', FIXTURES.busybox], { store }));
    const before = layerDirs(store);
    expect(before).toHaveLength(1);
    const base = await inspect(store, FIXTURES.busybox);

    const r = ok(await runTsctr(['pull', FIXTURES.second], { store }));
    const second = await inspect(store, FIXTURES.second);
    expect(second.RootFS.Layers[0]).toBe(base.RootFS.Layers[0]);
    const after = layerDirs(store);
    expect(after).toHaveLength(2);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(r.stderr).toMatch(/Copying blob [0-9a-f]{12} skipped: already exists/);
    expect(r.stderr.match(/Copying blob [0-9a-f]{12} done/g)).toHaveLength(1);
  });

  it('refuses bad references and unknown images with exit 125', async () => {
    const bad = await runTsctr(['pull', 'Not/A/Valid:Ref:x'], { store });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toMatch(/^Error: invalid image reference/m);

    const missing = await runTsctr(['pull', 'localhost:5000/does/not-exist:latest'], { store });
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toContain('localhost:5000/does/not-exist');

    for (const args of [['image', 'inspect', 'nope:latest'], ['rmi', 'nope:latest'], ['tag', 'nope:latest', 'x:y']]) {
      const r = await runTsctr(args, { store });
      expect({ args, exitCode: r.exitCode }).toEqual({ args, exitCode: 125 });
      expect(r.stderr).toMatch(/nope:latest.*image not known/);
    }
  });

  it('survives kill -9 in the middle of a download: images works and the next pull finishes', async () => {
    const argv = asUserArgv(TEST_USER, [TSCTR_BIN, '--root', store.root, '--runroot', store.runroot, 'pull', FIXTURES.layers], store.env);
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true, cwd: userInfo(TEST_USER).home });
    const tmp = path.join(store.root, 'tmp');
    // Wait until a download has written bytes into R/tmp.
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        let downloading = false;
        try {
          downloading = fs.readdirSync(tmp).some((n) => fs.statSync(path.join(tmp, n)).size > 0);
        } catch {
          // not created yet
        }
        if (downloading || child.exitCode !== null) resolve();
        else setTimeout(poll, 10);
      };
      poll();
    });
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already finished
    }
    await new Promise((r) => child.once('close', r).once('error', r));

    // Killed while bytes were arriving (40 MB + extraction take far longer than one poll): nothing recorded.
    expect(await imagesJson(store)).toEqual([]);
    const listed = ok(await runTsctr(['images'], { store }));
    expect(listed.stdout.split('\n')[0]).toMatch(/^REPOSITORY/);
    const id = ok(await runTsctr(['pull', FIXTURES.layers], { store })).stdout.trim();
    expect(id).toMatch(ID);
    expect((await imagesJson(store)).map((i) => i.Id)).toEqual([id]);
  });

  it('4 concurrent pulls of images sharing a base all succeed', async () => {
    const images = [FIXTURES.busybox, FIXTURES.second, FIXTURES.layers, FIXTURES.alpineMirror];
    const results = await Promise.all(images.map((image) => runTsctr(['pull', '-q', image], { store })));
    results.forEach(ok);
    const listed = await imagesJson(store);
    expect(listed.flatMap((i) => i.Names ?? []).sort()).toEqual([...images].sort());
    // busybox and library/alpine are the same image: 3 distinct ids.
    expect(new Set(listed.map((i) => i.Id)).size).toBe(3);
  });
});

describe('tsctr tag / rmi', () => {
  let store: TestStore;
  beforeEach(() => {
    store = makeTestStore();
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('tags, untags by name, deletes with the last name and frees unused layers only', async () => {
    const id = ok(await runTsctr(['pull', '-q', FIXTURES.busybox], { store })).stdout.trim();
    ok(await runTsctr(['pull', '-q', FIXTURES.second], { store }));
    expect(layerDirs(store)).toHaveLength(2);
    ok(await runTsctr(['tag', FIXTURES.busybox, 'localhost/mine:v1', 'localhost/mine:v2'], { store }));
    expect((await imagesJson(store)).find((i) => i.Id === id)?.Names?.sort()).toEqual([FIXTURES.busybox, 'localhost/mine:v1', 'localhost/mine:v2'].sort());

    // An id with several names needs -f.
    const byId = await runTsctr(['rmi', id.slice(0, 12)], { store });
    expect(byId.exitCode).toBe(125);
    expect(byId.stderr).toMatch(/more than one (name|tag)/);

    expect(ok(await runTsctr(['rmi', 'localhost/mine:v1'], { store })).stdout).toBe('Untagged: localhost/mine:v1\n');
    const removed = ok(await runTsctr(['rmi', 'localhost/mine:v2', FIXTURES.busybox], { store })).stdout;
    expect(removed).toBe(`Untagged: localhost/mine:v2\nUntagged: ${FIXTURES.busybox}\nDeleted: ${id}\n`);
    // The base layer is still used by the second image.
    expect(layerDirs(store)).toHaveLength(2);

    ok(await runTsctr(['rmi', FIXTURES.second], { store }));
    expect(layerDirs(store)).toHaveLength(0);
    expect(await imagesJson(store)).toEqual([]);
  });

  it('rmi -a removes every image', async () => {
    ok(await runTsctr(['pull', '-q', FIXTURES.busybox], { store }));
    ok(await runTsctr(['pull', '-q', FIXTURES.multi], { store }));
    const out = ok(await runTsctr(['rmi', '-a'], { store })).stdout;
    expect(out.match(/^Deleted: [0-9a-f]{64}$/gm)).toHaveLength(2);
    expect(await imagesJson(store)).toEqual([]);
    expect(layerDirs(store)).toHaveLength(0);
  });

  it('rmi refuses usage errors', async () => {
    expect((await runTsctr(['rmi'], { store })).exitCode).toBe(125);
    expect((await runTsctr(['rmi', '-a', 'x'], { store })).exitCode).toBe(125);
  });

  it('rmi refuses while a container uses the image, naming it; -f removes the container and the image', async () => {
    const id = ok(await runTsctr(['pull', '-q', FIXTURES.busybox], { store })).stdout.trim();
    ok(await runTsctr(['create', '--name', 'user-of-busybox', FIXTURES.busybox, 'true'], { store }));
    const refused = await runTsctr(['rmi', FIXTURES.busybox], { store });
    expect(refused.exitCode).toBe(125);
    expect(refused.stderr).toContain('in use by container user-of-busybox');
    expect((await imagesJson(store)).map((i) => i.Id)).toEqual([id]);

    expect(ok(await runTsctr(['rmi', '-f', FIXTURES.busybox], { store })).stdout).toContain(`Deleted: ${id}`);
    expect(ok(await runTsctr(['ps', '-a', '-q'], { store })).stdout).toBe('');
    expect(layerDirs(store)).toHaveLength(0);
  });
});

describe('tsctr login / logout', () => {
  let store: TestStore;
  beforeAll(() => {
    store = makeTestStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it('refuses wrong credentials, saves good ones, pulls the private image, forgets them on logout', async () => {
    const denied = await runTsctr(['pull', FIXTURES.privateBusybox], { store });
    expect(denied.exitCode).toBe(125);

    const wrong = await runTsctr(['login', '-u', AUTH_USER, '-p', 'wrong', AUTH_REGISTRY], { store });
    expect(wrong.exitCode).toBe(125);
    expect(wrong.stderr).toMatch(/unauthorized|invalid username\/password/i);

    const good = ok(await runTsctr(['login', '-u', AUTH_USER, '--password-stdin', AUTH_REGISTRY], { store, input: `${AUTH_PASSWORD}\n` }));
    expect(good.stdout).toBe('Login Succeeded!\n');
    const authFile = path.join(store.env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
    expect(Object.keys(JSON.parse(fs.readFileSync(authFile, 'utf8')).auths)).toContain(AUTH_REGISTRY);

    expect(ok(await runTsctr(['pull', '-q', FIXTURES.privateBusybox], { store })).stdout.trim()).toMatch(ID);

    expect(ok(await runTsctr(['logout', AUTH_REGISTRY], { store })).stdout).toBe(`Removed login credentials for ${AUTH_REGISTRY}\n`);
    const again = await runTsctr(['logout', AUTH_REGISTRY], { store });
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toContain(`not logged into ${AUTH_REGISTRY}`);
    ok(await runTsctr(['rmi', FIXTURES.privateBusybox], { store }));
    expect((await runTsctr(['pull', FIXTURES.privateBusybox], { store })).exitCode).toBe(125);
  });
});

describe('corrupt blobs', () => {
  let store: TestStore;
  let server: http.Server;
  let registry: string;
  const goodLayer = Buffer.from('the layer the manifest promises');
  const layerDigest = `sha256:${createHash('sha256').update(goodLayer).digest('hex')}`;

  beforeAll(async () => {
    store = makeTestStore();
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: goodLayer.length }],
      }),
    );
    // Same length, different bytes: only the digest check can notice.
    const corrupt = Buffer.from(goodLayer.toString().replace('layer', 'LAYER'));
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/v2/') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      if (url.endsWith('/manifests/latest')) {
        return void res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': manifest.length }).end(req.method === 'HEAD' ? undefined : manifest);
      }
      if (url.endsWith(`/blobs/${configDigest}`)) return void res.writeHead(200, { 'Content-Length': config.length }).end(config);
      if (url.endsWith(`/blobs/${layerDigest}`)) return void res.writeHead(200, { 'Content-Length': corrupt.length }).end(corrupt);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await store.cleanup();
  });

  it('fails naming the digest and leaves the store as it was', async () => {
    ok(await runTsctr(['pull', '-q', FIXTURES.busybox], { store }));
    const before = ok(await runTsctr(['images', '--format', 'json'], { store })).stdout;
    const r = await runTsctr(['pull', `${registry}/bad/image:latest`], { store });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(layerDigest);
    expect(ok(await runTsctr(['images', '--format', 'json'], { store })).stdout).toBe(before);
    expect(fs.existsSync(path.join(store.root, 'blobs', 'sha256', layerDigest.slice(7)))).toBe(false);
  });
});
