/** OCI content digests: `algorithm:encoded`, with the length and alphabet rules of the registered algorithms. */
import { fail, passes } from './validate';

/** A digest string such as `sha256:<64 hex>`. */
export type Digest = string;

const digestGrammar = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const registeredEncodings: Readonly<Record<string, RegExp>> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** Throws SpecValidationError on `field` unless `value` is a well-formed digest. */
export function checkDigest(value: unknown, field: string): Digest {
  if (typeof value !== 'string' || !digestGrammar.test(value)) fail(field, 'a digest like sha256:<64 hex digits>', value);
  const [algorithm, encoded] = splitDigest(value);
  const encoding = registeredEncodings[algorithm];
  if (encoding && !encoding.test(encoded)) fail(field, `a ${algorithm} digest with ${algorithm === 'sha256' ? 64 : 128} lowercase hex digits`, value);
  return value;
}

export function isDigest(value: unknown): value is Digest {
  return passes(() => checkDigest(value, 'digest'));
}

/** `sha256:abc` -> ['sha256', 'abc']. Assumes a well-formed digest. */
export function splitDigest(digest: Digest): [algorithm: string, encoded: string] {
  const colon = digest.indexOf(':');
  return [digest.slice(0, colon), digest.slice(colon + 1)];
}
