/** Pure: strict sha256 digests (they become file names) and the OCI chain id. */
import { nodeCrypto } from '../sys/crypto';
import { TsctrError } from '../errors';

const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Returns the hex part of `sha256:<64 lowercase hex>`; anything else is refused. */
export function sha256Hex(digest: string): string {
  const m = SHA256_DIGEST.exec(digest);
  if (!m) throw new TsctrError(`invalid digest ${JSON.stringify(digest)}: expected sha256: followed by 64 lowercase hex digits`);
  return m[1];
}

export function isSha256Digest(digest: string): boolean {
  return SHA256_DIGEST.test(digest);
}

export function isSha256Hex(hex: string): boolean {
  return SHA256_HEX.test(hex);
}

export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${nodeCrypto().createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Chain ids per the OCI image spec: ChainID(L1) = DiffID(L1),
 * ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). Input bottom first.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    sha256Hex(diffId);
    const previous = out[out.length - 1];
    out.push(previous === undefined ? diffId : sha256Digest(`${previous} ${diffId}`));
  }
  return out;
}
