/**
 * Streaming content verification: a pass-through Transform that hashes and counts what flows
 * through it and refuses to pass more than the expected size.
 *
 *   const check = new DigestCheck('sha256', expectedSize);
 *   await pipeline(source, check, destination);
 *   check.digest  // 'sha256:...'   check.bytes  // count
 */
import type { Hash } from 'node:crypto';
import { nodeCrypto } from '../sys/crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Digest algorithms we can verify (node's hash names are the same). */
const supported = new Set(['sha256', 'sha512']);

export function isSupportedDigestAlgorithm(algorithm: string): boolean {
  return supported.has(algorithm);
}

export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${nodeCrypto().createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Raised when more bytes arrive than the descriptor's size. */
export class SizeExceededError extends Error {
  constructor(readonly limit: number) {
    super(`more than the expected ${limit} bytes`);
    this.name = 'SizeExceededError';
  }
}

export class DigestCheck extends Transform {
  private readonly hash: Hash;
  private count = 0;
  private result: string | undefined;

  constructor(
    private readonly algorithm: string,
    private readonly maxBytes: number = Number.POSITIVE_INFINITY,
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super();
    this.hash = nodeCrypto().createHash(algorithm);
  }

  get bytes(): number {
    return this.count;
  }

  /** Available once the stream has finished. */
  get digest(): string {
    if (this.result === undefined) throw new Error('DigestCheck: digest read before the stream ended');
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.maxBytes) {
      callback(new SizeExceededError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(this.count);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = `${this.algorithm}:${this.hash.digest('hex')}`;
    callback();
  }
}
