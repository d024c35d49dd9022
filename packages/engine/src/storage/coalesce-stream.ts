/**
 * Gathers small chunks (a pipe delivers at most 64 KiB per read) into larger ones, so that the
 * stages after it (gunzip, sha256, tar parsing, file writes) run once per ~256 KiB instead of once
 * per pipe read: per-chunk overhead dominates the extraction of a large layer.
 */
import { Transform, type TransformCallback } from 'node:stream';

export const COALESCED_CHUNK_BYTES = 256 * 1024;

export class CoalesceStream extends Transform {
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly minBytes = COALESCED_CHUNK_BYTES) {
    super({ highWaterMark: minBytes });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length >= this.minBytes) this.pushGathered();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.length > 0) this.pushGathered();
    callback();
  }

  private pushGathered(): void {
    this.push(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length));
    this.chunks = [];
    this.length = 0;
  }
}
