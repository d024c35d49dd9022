import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { compressionFromMediaType, createDecompressStream, detectCompression } from '../../src/storage/decompress';

/** `"hello zstd\n" x 5000` compressed with `zstd -19` (zstd is not in Node's zlib on Node 20). */
const ZSTD_FRAME = Buffer.from('28b52ffd04689d00005868656c6c6f207a7374640a0100ca56ebc50be3ecb1be', 'hex');
const ZSTD_PLAIN = Buffer.from('hello zstd\n'.repeat(5000));

async function run(data: Buffer, chunkSize: number, hint?: string): Promise<{ out: Buffer; detected: string | undefined }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  const stream = createDecompressStream(hint);
  const outChunks: Buffer[] = [];
  Readable.from(chunks).pipe(stream);
  for await (const c of stream) outChunks.push(c as Buffer);
  return { out: Buffer.concat(outChunks), detected: stream.detected };
}

describe('detectCompression / compressionFromMediaType', () => {
  it('recognises magic bytes', () => {
    expect(detectCompression(zlib.gzipSync('x'))).toBe('gzip');
    expect(detectCompression(ZSTD_FRAME)).toBe('zstd');
    expect(detectCompression(Buffer.from('ustar'))).toBe('none');
    expect(detectCompression(Buffer.from([0x1f]))).toBe('none');
  });
  it('maps media types', () => {
    expect(compressionFromMediaType('application/vnd.oci.image.layer.v1.tar+gzip')).toBe('gzip');
    expect(compressionFromMediaType('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe('gzip');
    expect(compressionFromMediaType('application/vnd.oci.image.layer.v1.tar+zstd')).toBe('zstd');
    expect(compressionFromMediaType('application/vnd.oci.image.layer.v1.tar')).toBe('none');
  });
});

describe('createDecompressStream', () => {
  const big = randomBytes(3 * 1024 * 1024);
  it.each([
    [1, 18],
    [3, 20000],
    [65536, big.length],
  ])('gunzips with %i-byte input chunks (%i bytes)', async (chunk, size) => {
    const data = big.subarray(0, size);
    const { out, detected } = await run(zlib.gzipSync(data), chunk);
    expect(detected).toBe('gzip');
    expect(out.equals(data)).toBe(true);
  });

  it('handles concatenated gzip members', async () => {
    const { out } = await run(Buffer.concat([zlib.gzipSync('one '), zlib.gzipSync('two')]), 7);
    expect(out.toString()).toBe('one two');
  });

  it.each([1, 5, 1000])('decompresses zstd with %i-byte input chunks', async (chunk) => {
    const { out, detected } = await run(ZSTD_FRAME, chunk);
    expect(detected).toBe('zstd');
    expect(out.equals(ZSTD_PLAIN)).toBe(true);
  });

  it('passes plain data through, even when shorter than the magic', async () => {
    expect((await run(big, 4096)).out.equals(big)).toBe(true);
    const tiny = await run(Buffer.from('ab'), 1, 'application/vnd.oci.image.layer.v1.tar+gzip');
    expect(tiny).toEqual({ out: Buffer.from('ab'), detected: 'none' });
  });

  it('fails on corrupt compressed data', async () => {
    const gz = zlib.gzipSync(big);
    gz.fill(0x55, 100, 2000);
    await expect(run(gz, 4096)).rejects.toThrow();
    const zs = Buffer.from(ZSTD_FRAME);
    zs[6] = 0xff; zs[7] = 0xff;
    await expect(run(zs, 4)).rejects.toThrow();
  });
});
