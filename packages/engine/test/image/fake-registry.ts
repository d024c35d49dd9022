/**
 * In-process fake of a Docker Registry v2 with a separate bearer-token server and a separate "blob
 * storage" server, for unit tests of the registry client. Everything listens on 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface FakeRegistryOptions {
  /** 'bearer' (token server), 'basic', or 'none'. */
  auth: 'bearer' | 'basic' | 'none';
  /** Required credentials; undefined = anonymous tokens are handed out. */
  user?: { username: string; password: string };
}

export interface RecordedRequest {
  readonly server: 'registry' | 'token' | 'storage';
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly accept?: string;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const port = (server: http.Server): number => (server.address() as AddressInfo).port;

export class FakeRegistry {
  readonly requests: RecordedRequest[] = [];
  readonly manifests = new Map<string, { body: Buffer; mediaType: string; digestHeader?: string }>();
  readonly blobs = new Map<string, Buffer>();
  /** Blobs (by digest) answered with a 307 to the storage server. */
  readonly redirectedBlobs = new Set<string>();
  /** Path -> number of 503 answers still to give. */
  readonly failuresLeft = new Map<string, number>();
  /** Paths answered with this status (no retry expected for 4xx). */
  readonly fixedStatus = new Map<string, number>();
  /** Paths whose response never comes. */
  readonly hanging = new Set<string>();
  private registry!: http.Server;
  private tokens!: http.Server;
  private storage!: http.Server;

  private constructor(private readonly opts: FakeRegistryOptions) {}

  static async start(opts: FakeRegistryOptions): Promise<FakeRegistry> {
    const fake = new FakeRegistry(opts);
    fake.registry = await listen((req, res) => fake.handleRegistry(req, res));
    fake.tokens = await listen((req, res) => fake.handleToken(req, res));
    fake.storage = await listen((req, res) => fake.handleStorage(req, res));
    return fake;
  }

  /** host:port of the registry. */
  get host(): string {
    return `127.0.0.1:${port(this.registry)}`;
  }

  async stop(): Promise<void> {
    for (const server of [this.registry, this.tokens, this.storage]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  addBlob(content: Buffer | string): { digest: string; size: number; mediaType: string } {
    const bytes = Buffer.from(content);
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return { digest, size: bytes.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
  }

  addManifest(repo: string, refs: string[], value: object, mediaType: string): string {
    const body = Buffer.from(JSON.stringify(value));
    const digest = sha256(body);
    for (const ref of [...refs, digest]) this.manifests.set(`${repo}:${ref}`, { body, mediaType });
    return digest;
  }

  private record(server: RecordedRequest['server'], req: http.IncomingMessage): void {
    this.requests.push({ server, method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
  }

  private validToken(scope: string): string {
    return `token-for-${scope}`;
  }

  private credentialsOk(header: string | undefined): boolean {
    if (!this.opts.user) return true;
    const expected = `Basic ${Buffer.from(`${this.opts.user.username}:${this.opts.user.password}`).toString('base64')}`;
    return header === expected;
  }

  private handleToken(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.record('token', req);
    const url = new URL(req.url ?? '/', 'http://x');
    if (!this.credentialsOk(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: this.validToken(url.searchParams.get('scope') ?? ''), expires_in: 300 }));
  }

  private handleStorage(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.record('storage', req);
    const digest = (req.url ?? '').replace(/^\/storage\//, '');
    const blob = this.blobs.get(digest);
    if (!blob) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': blob.length }).end(blob);
  }

  private unauthorized(res: http.ServerResponse, repo?: string): void {
    const challenge =
      this.opts.auth === 'basic'
        ? 'Basic realm="fake"'
        : `Bearer realm="http://127.0.0.1:${port(this.tokens)}/token",service="fake-registry"${repo ? `,scope="repository:${repo}:pull"` : ''}`;
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  }

  private authorized(req: http.IncomingMessage, repo: string | undefined): boolean {
    const header = req.headers.authorization;
    switch (this.opts.auth) {
      case 'none':
        return true;
      case 'basic':
        return header !== undefined && header.startsWith('Basic ') && this.credentialsOk(header);
      case 'bearer':
        return repo === undefined ? header !== undefined : header === `Bearer ${this.validToken(`repository:${repo}:pull`)}`;
    }
  }

  private handleRegistry(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.record('registry', req);
    const path = req.url ?? '/';
    if (this.hanging.has(path)) return;
    if (path === '/v2/') {
      if (this.opts.auth === 'none') res.writeHead(200).end('{}');
      else this.unauthorized(res);
      return;
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, repo, kind, ref] = match as unknown as [string, string, string, string];
    if (!this.authorized(req, repo)) {
      this.unauthorized(res, repo);
      return;
    }
    const failures = this.failuresLeft.get(path) ?? 0;
    if (failures > 0) {
      this.failuresLeft.set(path, failures - 1);
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'try later' }] }));
      return;
    }
    const fixed = this.fixedStatus.get(path);
    if (fixed !== undefined) {
      res.writeHead(fixed).end();
      return;
    }
    if (kind === 'manifests') {
      const manifest = this.manifests.get(`${repo}:${ref}`);
      if (!manifest) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': manifest.digestHeader ?? sha256(manifest.body) }).end(manifest.body);
      return;
    }
    if (this.redirectedBlobs.has(ref)) {
      res.writeHead(307, { location: `http://127.0.0.1:${port(this.storage)}/storage/${ref}` }).end();
      return;
    }
    const blob = this.blobs.get(ref);
    if (!blob) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] }));
      return;
    }
    res.writeHead(200, { 'content-length': blob.length, 'content-type': 'application/octet-stream' }).end(blob);
  }
}
