/**
 * When and how long to wait before repeating a registry request: 5xx, 429 and transient network
 * failures (resets, timeouts) are retried with exponential backoff and jitter; 4xx are not.
 *
 *   withRetries(attempt => doRequest(), policy, { isRetryable, onRetry }) -> the first success
 */

export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  /** Delay before the second attempt; doubled each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8000 };

/** Network error codes worth another try (Node's and undici's names). */
const transientCodes = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The errno-style code of a fetch failure (fetch wraps it in `cause`). */
export function networkErrorCode(err: unknown): string | undefined {
  // Duck-typed: errors from Node internals may come from another realm (jest), failing instanceof.
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'ETIMEDOUT';
    current = cause;
  }
  return undefined;
}

export function isTransientNetworkError(err: unknown): boolean {
  const code = networkErrorCode(err);
  return code !== undefined && transientCodes.has(code);
}

/** Backoff before attempt `attempt + 1` (attempt counts from 1); `retryAfterSeconds` wins when given. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  }
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/** Errors may carry the server's Retry-After (seconds); withRetries honours it. */
function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' ? value : undefined;
}

export interface RetryHooks {
  /** Whether `err` deserves another attempt; default: transient network errors only. */
  readonly isRetryable?: (err: unknown) => boolean;
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, throws something not retryable, or the attempts are used up (then
 * the last error is thrown).
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = defaultRetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const isRetryable = hooks.isRetryable ?? isTransientNetworkError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= policy.attempts) throw err;
      const delay = retryDelayMs(policy, attempt, retryAfterOf(err));
      hooks.onRetry?.(err, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
