/**
 * Layer decompression. The first bytes decide (gzip 1f 8b, zstd 28 b5 2f fd, else plain), like
 * podman: registries and tools sometimes label layers with the wrong media type, and the digest
 * checks happen on the bytes anyway. The media type is only consulted for an empty stream.
 */
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const MAGIC_BYTES = ZSTD_MAGIC.length;

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** Pure: the compression given the first (up to 4) bytes of a blob. */
export function detectCompression(head: Uint8Array): Compression {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** Pure: the compression a layer media type announces (OCI and Docker schema2 names). */
export function compressionFromMediaType(mediaType: string | undefined): Compression {
  if (!mediaType) return 'none';
  if (/(\+|\.)gzip$/.test(mediaType) || mediaType.endsWith('.tar.gzip') || mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip') return 'gzip';
  if (/\+zstd(:chunked)?$/.test(mediaType)) return 'zstd';
  return 'none';
}

/** zstd as a Node Transform around fzstd's streaming decompressor (pure JS). */
export class ZstdDecompressStream extends Transform {
  private readonly decoder: ZstdDecompress;
  constructor() {
    super();
    // fzstd may hand out views of its internal window: copy before pushing downstream.
    this.decoder = new ZstdDecompress((data) => {
      if (data.length > 0) this.push(Buffer.from(data));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      callback();
    } catch (err) {
      callback(asError(err, 'zstd'));
    }
  }
  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (err) {
      callback(asError(err, 'zstd'));
    }
  }
}

function asError(err: unknown, what: string): Error {
  return err instanceof Error ? err : new Error(`${what}: ${String(err)}`);
}

/** Output chunks of gunzip (zlib's default is 16 KiB: four times the per-chunk work downstream). */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

function decompressorFor(compression: Compression): Transform | undefined {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  if (compression === 'zstd') return new ZstdDecompressStream();
  return undefined;
}

/**
 * A Transform that sniffs the compression from the first bytes and decompresses. `detected` is set
 * once known. Write the compressed blob in, read the tar out.
 */
export class AutoDecompressStream extends Transform {
  detected: Compression | undefined;
  private head: Buffer[] = [];
  private headLength = 0;
  private inner: Transform | undefined;
  private innerEnded: Promise<void> | undefined;

  constructor(private readonly mediaTypeHint?: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    if (this.detected === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < MAGIC_BYTES) return callback();
      this.start(detectCompression(Buffer.concat(this.head)));
      chunk = Buffer.concat(this.head);
      this.head = [];
    }
    this.forward(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.detected === undefined) {
      const head = Buffer.concat(this.head);
      this.start(head.length > 0 ? detectCompression(head) : compressionFromMediaType(this.mediaTypeHint));
      if (head.length > 0) this.forward(head, () => undefined);
    }
    if (!this.inner) return callback();
    this.inner.end();
    this.innerEnded!.then(() => callback(), (err: Error) => callback(err));
  }

  private start(compression: Compression): void {
    this.detected = compression;
    const inner = decompressorFor(compression);
    if (!inner) return;
    this.inner = inner;
    this.innerEnded = new Promise<void>((resolve, reject) => {
      inner.on('data', (data: Buffer) => this.push(data));
      inner.once('end', resolve);
      inner.once('error', reject);
    });
    // Surface a decompression error even while no flush is pending.
    this.innerEnded.catch((err: Error) => this.destroy(err));
  }

  private forward(chunk: Buffer, callback: TransformCallback): void {
    if (!this.inner) {
      this.push(chunk);
      return callback();
    }
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }
}

/** Returns a Transform that decompresses whatever compression the blob turns out to use. */
export function createDecompressStream(mediaTypeHint?: string): AutoDecompressStream {
  return new AutoDecompressStream(mediaTypeHint);
}
