/**
 * Docker Registry HTTP API v2 client over Node's built-in fetch, for one registry host.
 *
 *   const client = new RegistryClient({ registry: 'localhost:5000', insecure: false, credentials });
 *   const m = await client.getManifest('busybox', 'latest');      // { bytes, mediaType, digest }
 *   const config = await client.fetchBlob('busybox', m.config);     // verified bytes (small blobs)
 *   await client.downloadBlob('busybox', layer, '/store/tmp/x', (n) => bar.update(n));
 *
 * - Scheme: `GET /v2/` first. Loopback registries try http then https; `insecure` ones https then
 *   http; all others https only. (Unverified TLS is not available with the built-in fetch, so an
 *   insecure registry with a self-signed certificate is reached over http.)
 * - Auth: the `/v2/` challenge decides. Bearer: a token per `repository:<repo>:pull` scope from the
 *   realm (basic credentials sent when known), cached until it expires. Basic: credentials on each
 *   request. A 401 with a fresh challenge is answered once more with a new token.
 * - Redirects are followed by hand; the Authorization header is dropped when one leaves the origin
 *   (blob storage), and https -> http is refused unless plain http is allowed.
 * - Retries with exponential backoff on 5xx, 429, resets and timeouts (not on other 4xx); a blob
 *   download restarts from zero. Each request has a timeout that also applies to body silence.
 * - Verification: a manifest asked for by digest must hash to it; otherwise its digest is the
 *   sha256 of the bytes (a differing Docker-Content-Digest is an error). Blobs are hashed and
 *   counted while streaming; a mismatch deletes the file and throws.
 * Errors are RegistryError (a TsctrError) naming registry, repository and HTTP status.
 */
import * as fs from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { manifestAcceptTypes, type Descriptor } from 'oci-spec-types';
import type { Credentials } from './auth';
import { CoalesceStream } from '../storage/coalesce-stream';
import { DigestCheck, SizeExceededError, digestOf, isSupportedDigestAlgorithm } from './digest-stream';
import { apiHostFor, isLoopbackRegistry, plainHttpAllowed } from './endpoint';
import { RegistryError } from './registry-error';
import { defaultRetryPolicy, isRetryableStatus, isTransientNetworkError, networkErrorCode, withRetries, type RetryPolicy } from './retry-policy';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate';

export { RegistryError } from './registry-error';

export interface RegistryClientOptions {
  /** host[:port] as in registries.conf (docker.io is contacted at registry-1.docker.io). */
  readonly registry: string;
  /** Plain http allowed (and tried after https) even off loopback. */
  readonly insecure: boolean;
  readonly credentials?: Credentials;
  /** Per request: time allowed for the response headers, and for each silence in a body. Default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly userAgent?: string;
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  /** The body's `mediaType`, else the Content-Type header (parameters removed). */
  readonly mediaType: string;
  readonly digest: string;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_SMALL_BLOB_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 10;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Endpoint {
  readonly baseUrl: string;
  readonly challenge?: AuthChallenge;
}

interface CachedToken {
  readonly header: string;
  readonly expiresAt: number;
}

/** A timer that aborts a request when nothing happened for `ms`; `touch` on progress. */
class IdleDeadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly ms: number) {
    this.touch();
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const reason = Object.assign(new Error(`no response for ${this.ms} ms`), { code: 'ETIMEDOUT' });
      this.controller.abort(reason);
    }, this.ms);
    this.timer.unref();
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

interface Sent {
  readonly response: Response;
  readonly deadline: IdleDeadline;
}

function webToNode(body: ReadableStream<Uint8Array>): Readable {
  return Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
}

async function readLimited(response: Response, limit: number, deadline: IdleDeadline): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of webToNode(response.body)) {
    deadline.touch();
    total += (chunk as Buffer).length;
    if (total > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new SizeExceededError(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}` -> code and text. */
async function registryErrorBody(sent: Sent): Promise<{ code?: string; message?: string }> {
  try {
    const text = (await readLimited(sent.response, MAX_ERROR_BODY_BYTES, sent.deadline)).toString('utf8');
    try {
      const first = (JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
      if (first) return { code: typeof first.code === 'string' ? first.code : undefined, message: typeof first.message === 'string' ? first.message : undefined };
    } catch {
      // not JSON: fall through to the raw text
    }
    const trimmed = text.trim().slice(0, 200);
    return trimmed ? { message: trimmed } : {};
  } catch {
    return {};
  } finally {
    sent.deadline.clear();
  }
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export class RegistryClient {
  readonly registry: string;
  private readonly apiHost: string;
  private readonly insecure: boolean;
  private readonly credentials?: Credentials;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private endpoint: Promise<Endpoint> | undefined;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(opts: RegistryClientOptions) {
    this.registry = opts.registry;
    this.apiHost = apiHostFor(opts.registry);
    this.insecure = opts.insecure;
    this.credentials = opts.credentials;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = opts.retry ?? defaultRetryPolicy;
    this.userAgent = opts.userAgent ?? 'tsctr/0.1';
  }

  /** Finds the scheme and the auth challenge (once; later calls share the result). */
  ping(): Promise<Endpoint> {
    this.endpoint ??= this.detectEndpoint();
    this.endpoint.catch(() => (this.endpoint = undefined));
    return this.endpoint;
  }

  async getManifest(repository: string, reference: string, acceptTypes: readonly string[] = manifestAcceptTypes): Promise<FetchedManifest> {
    const byDigest = reference.includes(':');
    const shown = `${this.registry}/${repository}${byDigest ? '@' : ':'}${reference}`;
    return this.withRetries(repository, async () => {
      const sent = await this.request(repository, `/manifests/${reference}`, { accept: acceptTypes.join(', ') });
      if (sent.response.status === 404) {
        const body = await registryErrorBody(sent);
        throw new RegistryError(`image not known: ${shown}`, { registry: this.registry, repository, status: 404, code: body.code ?? 'MANIFEST_UNKNOWN' });
      }
      await this.throwUnlessOk(sent, repository, `manifest ${shown}`);
      let bytes: Buffer;
      try {
        bytes = await readLimited(sent.response, MAX_MANIFEST_BYTES, sent.deadline);
      } catch (err) {
        if (err instanceof SizeExceededError) throw new RegistryError(`manifest ${shown} is larger than ${MAX_MANIFEST_BYTES} bytes; refusing it`, { registry: this.registry, repository });
        throw err;
      } finally {
        sent.deadline.clear();
      }
      const digest = this.verifyManifestDigest(bytes, reference, sent.response.headers.get('docker-content-digest'), shown, repository);
      return { bytes, mediaType: manifestMediaType(bytes, sent.response.headers.get('content-type')), digest };
    });
  }

  /** A small blob (an image config) in memory, verified against the descriptor. */
  async fetchBlob(repository: string, descriptor: Descriptor, maxBytes = MAX_SMALL_BLOB_BYTES): Promise<Buffer> {
    const algorithm = this.blobAlgorithm(descriptor, repository);
    return this.withRetries(repository, async () => {
      const sent = await this.request(repository, `/blobs/${descriptor.digest}`, {});
      await this.throwUnlessBlobOk(sent, repository, descriptor);
      let bytes: Buffer;
      try {
        bytes = await readLimited(sent.response, Math.min(maxBytes, descriptor.size), sent.deadline);
      } catch (err) {
        throw this.blobReadError(err, repository, descriptor);
      } finally {
        sent.deadline.clear();
      }
      this.verifyBlob(repository, descriptor, bytes.length, digestOf(bytes, algorithm));
      return bytes;
    });
  }

  /**
   * Streams a blob into `destFile` (created or truncated, mode 0644, fsynced before close), checking size and
   * digest on the way. On any failure the file is removed. `onProgress` gets the bytes so far.
   */
  /**
   * `tee` also gets the bytes of the first attempt as they arrive (unverified: the caller must
   * wait for this promise before trusting them); it is ended with the body, or destroyed when that
   * attempt fails (a retry is not teed).
   */
  async downloadBlob(repository: string, descriptor: Descriptor, destFile: string, onProgress?: (bytes: number) => void, tee?: Writable): Promise<void> {
    const algorithm = this.blobAlgorithm(descriptor, repository);
    let attempts = 0;
    try {
      await this.withRetries(repository, async () => {
        const teeing = attempts++ === 0 ? tee : undefined;
        if (tee && !teeing) tee.destroy();
        const sent = await this.request(repository, `/blobs/${descriptor.digest}`, {});
        await this.throwUnlessBlobOk(sent, repository, descriptor);
        const check = new DigestCheck(algorithm, descriptor.size, (bytes) => {
          sent.deadline.touch();
          onProgress?.(bytes);
        });
        try {
          // flush: fsync before close, so a blob renamed into the store afterwards is durable.
          const file = fs.createWriteStream(destFile, { mode: 0o644, flush: true });
          if (teeing) {
            teeing.on('error', () => undefined); // its reader may stop early: the download goes on
            check.pipe(teeing);
          }
          // Larger chunks: the hash, the file writes and the tee then run ~4x less often.
          if (sent.response.body) await pipeline(webToNode(sent.response.body), new CoalesceStream(), check, file);
          else await pipeline(Readable.from([]), check, file);
        } catch (err) {
          teeing?.destroy();
          throw this.blobReadError(err, repository, descriptor);
        } finally {
          sent.deadline.clear();
        }
        this.verifyBlob(repository, descriptor, check.bytes, check.digest);
      });
    } catch (err) {
      tee?.destroy();
      await fs.promises.rm(destFile, { force: true });
      throw err;
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private verificationError(repository: string, descriptor: Descriptor, what: string): RegistryError {
    return new RegistryError(`blob ${descriptor.digest} from ${this.registry}/${repository} failed verification: ${what}`, {
      registry: this.registry,
      repository,
      code: 'DIGEST_INVALID',
    });
  }

  /** A failure while reading a blob's body: more bytes than the descriptor's size is a verification failure. */
  private blobReadError(err: unknown, repository: string, descriptor: Descriptor): unknown {
    return err instanceof SizeExceededError ? this.verificationError(repository, descriptor, `more than the expected ${descriptor.size} bytes`) : err;
  }

  /** A received blob must have the descriptor's size and digest. */
  private verifyBlob(repository: string, descriptor: Descriptor, bytes: number, digest: string): void {
    if (bytes !== descriptor.size) throw this.verificationError(repository, descriptor, `${bytes} bytes instead of ${descriptor.size}`);
    if (digest !== descriptor.digest) throw this.verificationError(repository, descriptor, `got ${digest}`);
  }

  private blobAlgorithm(descriptor: Descriptor, repository: string): string {
    const algorithm = descriptor.digest.slice(0, descriptor.digest.indexOf(':'));
    if (!isSupportedDigestAlgorithm(algorithm)) {
      throw new RegistryError(`blob ${descriptor.digest} from ${this.registry}/${repository}: digest algorithm "${algorithm}" is not supported`, { registry: this.registry, repository });
    }
    return algorithm;
  }

  private verifyManifestDigest(bytes: Buffer, reference: string, header: string | null, shown: string, repository: string): string {
    const fail = (message: string) => new RegistryError(message, { registry: this.registry, repository, code: 'DIGEST_INVALID' });
    if (reference.includes(':')) {
      const algorithm = reference.slice(0, reference.indexOf(':'));
      if (!isSupportedDigestAlgorithm(algorithm)) throw fail(`manifest ${shown}: digest algorithm "${algorithm}" is not supported`);
      const got = digestOf(bytes, algorithm);
      if (got !== reference) throw fail(`manifest ${shown} failed verification: got ${got}`);
      return reference;
    }
    const computed = digestOf(bytes);
    if (header && header.startsWith('sha256:') && header !== computed) {
      throw fail(`manifest ${shown} failed verification: the registry says ${header}, its content is ${computed}`);
    }
    return computed;
  }

  private async withRetries<T>(repository: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(fn, this.retry, { isRetryable: (err) => (err instanceof RegistryError ? err.retryable : isTransientNetworkError(err)) });
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      const code = networkErrorCode(err);
      if (code) {
        throw new RegistryError(`cannot reach registry ${this.registry} (${repository}): ${code} after ${this.retry.attempts} attempts`, { registry: this.registry, repository, code, cause: err });
      }
      throw err;
    }
  }

  private async throwUnlessBlobOk(sent: Sent, repository: string, descriptor: Descriptor): Promise<void> {
    if (sent.response.status === 404) {
      const body = await registryErrorBody(sent);
      throw new RegistryError(`blob ${descriptor.digest} not found in ${this.registry}/${repository}`, { registry: this.registry, repository, status: 404, code: body.code ?? 'BLOB_UNKNOWN' });
    }
    await this.throwUnlessOk(sent, repository, `blob ${descriptor.digest} of ${this.registry}/${repository}`);
  }

  private async throwUnlessOk(sent: Sent, repository: string, what: string): Promise<void> {
    const { status } = sent.response;
    if (status >= 200 && status < 300) return;
    const body = await registryErrorBody(sent);
    const details = { registry: this.registry, repository, status, code: body.code };
    if (status === 401) {
      const hint = this.credentials ? `the credentials for ${this.registry} were refused; run tsctr login ${this.registry}` : `run tsctr login ${this.registry}`;
      throw new RegistryError(`authentication required for ${this.registry}/${repository}: ${hint}`, details);
    }
    if (status === 403) throw new RegistryError(`access to ${this.registry}/${repository} denied (HTTP 403)${body.message ? `: ${body.message}` : ''}`, details);
    throw new RegistryError(`registry ${this.registry} answered HTTP ${status} for ${what}${body.message ? `: ${body.message}` : ''}`, {
      ...details,
      retryable: isRetryableStatus(status),
      retryAfterSeconds: retryAfterSeconds(sent.response),
    });
  }

  /** One authorised GET of `/v2/<repository><suffix>` (redirects followed, 401 answered once). */
  private async request(repository: string, suffix: string, headers: Record<string, string>): Promise<Sent> {
    const endpoint = await this.ping();
    const url = `${endpoint.baseUrl}/v2/${repository}${suffix}`;
    const scope = `repository:${repository}:pull`;
    const first = await this.send(url, { ...headers, ...(await this.authorization(endpoint.challenge, scope, repository)) });
    if (first.response.status !== 401) return first;
    const challenge = parseWwwAuthenticate(first.response.headers.get('www-authenticate') ?? '')[0];
    if (!challenge || (challenge.scheme === 'basic' && !this.credentials) || (challenge.scheme !== 'basic' && challenge.scheme !== 'bearer')) return first;
    await discard(first.response);
    first.deadline.clear();
    this.tokens.delete(scope);
    return this.send(url, { ...headers, ...(await this.authorization(challenge, challenge.params.scope ?? scope, repository)) });
  }

  private async authorization(challenge: AuthChallenge | undefined, scope: string, repository: string): Promise<Record<string, string>> {
    if (!challenge) return {};
    if (challenge.scheme === 'basic') return this.credentials ? { authorization: this.basicHeader(this.credentials) } : {};
    if (challenge.scheme !== 'bearer') return {};
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) return { authorization: cached.header };
    const token = await this.fetchToken(challenge, scope, repository);
    this.tokens.set(scope, token);
    return { authorization: token.header };
  }

  private basicHeader(credentials: Credentials): string {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  }

  private async fetchToken(challenge: AuthChallenge, scope: string, repository: string): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError(`registry ${this.registry} sent a Bearer challenge without a realm`, { registry: this.registry, repository });
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`registry ${this.registry} sent an invalid token realm "${realm}"`, { registry: this.registry, repository });
    }
    if (url.protocol === 'http:' && !plainHttpAllowed({ registry: url.host, insecure: this.insecure })) {
      throw new RegistryError(`registry ${this.registry} wants tokens from plain http ${url.origin}; refusing (mark the registry insecure or pass --tls-verify=false)`, { registry: this.registry, repository });
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = this.credentials ? { authorization: this.basicHeader(this.credentials) } : {};
    return this.withRetries(repository, async () => {
      const sent = await this.send(url.toString(), headers);
      const { status } = sent.response;
      if (status === 401 || status === 403) {
        await registryErrorBody(sent);
        const hint = this.credentials ? `the credentials for ${this.registry} were refused; run tsctr login ${this.registry}` : `run tsctr login ${this.registry}`;
        throw new RegistryError(`authentication required for ${this.registry}/${repository}: ${hint}`, { registry: this.registry, repository, status });
      }
      await this.throwUnlessOk(sent, repository, `a token from ${url.origin}${url.pathname}`);
      let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
      try {
        body = JSON.parse((await readLimited(sent.response, MAX_ERROR_BODY_BYTES, sent.deadline)).toString('utf8')) as typeof body;
      } catch (err) {
        throw new RegistryError(`token server ${url.origin} of ${this.registry} sent an unreadable answer`, { registry: this.registry, repository, cause: err });
      } finally {
        sent.deadline.clear();
      }
      const token = typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
      if (!token) throw new RegistryError(`token server ${url.origin} of ${this.registry} sent no token`, { registry: this.registry, repository });
      const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
      return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(lifetime - 10, 5) * 1000 };
    });
  }

  /** GET with manual redirects; Authorization is dropped once a redirect leaves the origin. */
  private async send(start: string, headers: Record<string, string>): Promise<Sent> {
    let url = new URL(start);
    let current: Record<string, string> = { 'user-agent': this.userAgent, ...headers };
    for (let hop = 0; ; hop++) {
      const deadline = new IdleDeadline(this.timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, { headers: current, redirect: 'manual', signal: deadline.signal });
      } catch (err) {
        deadline.clear();
        throw err;
      }
      if (![301, 302, 303, 307, 308].includes(response.status)) return { response, deadline };
      await discard(response);
      deadline.clear();
      const location = response.headers.get('location');
      if (!location) throw new RegistryError(`registry ${this.registry} sent a redirect without a Location`, { registry: this.registry, status: response.status });
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`registry ${this.registry}: more than ${MAX_REDIRECTS} redirects for ${start}`, { registry: this.registry });
      const next = new URL(location, url);
      if (next.protocol === 'http:' && url.protocol === 'https:' && !plainHttpAllowed({ registry: next.host, insecure: this.insecure })) {
        throw new RegistryError(`registry ${this.registry} redirected ${url.origin} to plain http ${next.origin}; refusing`, { registry: this.registry });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RegistryError(`registry ${this.registry} redirected to unsupported ${next.protocol}`, { registry: this.registry });
      if (next.origin !== url.origin) {
        const { authorization: _dropped, ...rest } = current;
        current = rest;
      }
      url = next;
    }
  }

  private async detectEndpoint(): Promise<Endpoint> {
    const schemes = schemesToTry(this.registry, this.insecure);
    const problems: string[] = [];
    for (const scheme of schemes) {
      const baseUrl = `${scheme}://${this.apiHost}`;
      let answer: { status: number; challengeHeader: string | null };
      try {
        answer = await withRetries(
          async () => {
            const sent = await this.send(`${baseUrl}/v2/`, {});
            const { status } = sent.response;
            const challengeHeader = sent.response.headers.get('www-authenticate');
            await discard(sent.response);
            sent.deadline.clear();
            if (isRetryableStatus(status)) {
              throw new RegistryError(`registry ${this.registry} answered HTTP ${status} for ${baseUrl}/v2/`, { registry: this.registry, status, retryable: true, retryAfterSeconds: retryAfterSeconds(sent.response) });
            }
            return { status, challengeHeader };
          },
          this.retry,
          { isRetryable: (err) => (err instanceof RegistryError ? err.retryable : isTransientNetworkError(err)) },
        );
      } catch (err) {
        if (err instanceof RegistryError) throw err;
        problems.push(`${baseUrl}: ${networkErrorCode(err) ?? (err as Error).message}`);
        continue;
      }
      if (answer.status === 200 || answer.status === 401) {
        const challenge = answer.status === 401 && answer.challengeHeader ? parseWwwAuthenticate(answer.challengeHeader)[0] : undefined;
        return { baseUrl, ...(challenge && { challenge }) };
      }
      problems.push(`${baseUrl}/v2/ answered HTTP ${answer.status}`);
    }
    const hint = schemes.includes('http') ? '' : ' (if it serves plain http, mark it insecure in registries.conf or pass --tls-verify=false)';
    throw new RegistryError(`cannot reach registry ${this.registry}: ${problems.join('; ')}${hint}`, { registry: this.registry });
  }
}

/** Pure: loopback registries are tried over http first, insecure ones over https then http, others https only. */
export function schemesToTry(registry: string, insecure: boolean): ('http' | 'https')[] {
  if (isLoopbackRegistry(registry)) return ['http', 'https'];
  return insecure ? ['https', 'http'] : ['https'];
}

function manifestMediaType(bytes: Buffer, contentType: string | null): string {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (typeof body.mediaType === 'string' && body.mediaType !== '') return body.mediaType;
  } catch {
    // not JSON: the parser downstream reports it
  }
  return contentType?.split(';')[0]?.trim() ?? '';
}
