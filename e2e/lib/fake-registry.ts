/**
 * A tiny registry in node:http serving single-layer images built in a test (uncompressed tar
 * layers): for what the real registry cannot do, such as bytes that differ from their digest.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export class FakeRegistry {
  private readonly blobs = new Map<string, Buffer>();
  private readonly manifests = new Map<string, Buffer>();
  private server?: http.Server;
  host = '';

  /**
   * Adds `repo:latest` with `layer` as its one layer; the config claims `diffId` (default: the
   * true one) and `served` replaces the layer's bytes on the wire. Returns the layer's digest.
   */
  add(repo: string, layer: Buffer, opts: { diffId?: string; served?: Buffer } = {}): string {
    const layerDigest = `sha256:${sha256(layer)}`;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [opts.diffId ?? layerDigest] }, config: {} }));
    const configDigest = `sha256:${sha256(config)}`;
    this.blobs.set(`${repo}/${layerDigest}`, opts.served ?? layer);
    this.blobs.set(`${repo}/${configDigest}`, config);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    };
    this.manifests.set(repo, Buffer.from(JSON.stringify(manifest)));
    return layerDigest;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/v2/') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      const m = /^\/v2\/(.+)\/manifests\/latest$/.exec(url);
      const manifest = m ? this.manifests.get(m[1] as string) : undefined;
      if (manifest) return void res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': manifest.length }).end(req.method === 'HEAD' ? undefined : manifest);
      const b = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
      const blob = b ? this.blobs.get(`${b[1]}/${b[2]}`) : undefined;
      if (blob) return void res.writeHead(200, { 'Content-Length': blob.length }).end(req.method === 'HEAD' ? undefined : blob);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}
