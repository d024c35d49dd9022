import { parseWwwAuthenticate } from '@tsctr/engine/image/www-authenticate';
import { isRetryableStatus, isTransientNetworkError, networkErrorCode, retryDelayMs, withRetries } from '@tsctr/engine/image/retry-policy';

describe('parseWwwAuthenticate', () => {
  it('parses a Docker Hub bearer challenge', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
  });
  it('handles basic, unquoted values, escapes, spaces and several challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    expect(parseWwwAuthenticate('BEARER Realm = "a\\"b" , service=svc, Basic realm=x')).toEqual([
      { scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('retry policy', () => {
  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
  it('retries 5xx and 429 only', () => {
    expect([500, 502, 503, 429].map(isRetryableStatus)).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 200].map(isRetryableStatus)).toEqual([false, false, false, false, false]);
  });
  it('knows transient network errors through fetch causes', () => {
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }) });
    expect(networkErrorCode(wrapped)).toBe('ECONNRESET');
    expect(isTransientNetworkError(wrapped)).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTransientNetworkError(new Error('plain'))).toBe(false);
  });
  it('backs off exponentially with jitter, capped, honouring Retry-After', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0.5)).toBe(100);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(400);
    expect(retryDelayMs(policy, 10, undefined, () => 0.5)).toBe(1000);
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(75);
    expect(retryDelayMs(policy, 1, 0.2)).toBe(200);
    expect(retryDelayMs(policy, 1, 60)).toBe(1000);
  });
  it('withRetries stops at success, at a non-retryable error, or after the attempts', async () => {
    const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
    const reset = () => Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    let calls = 0;
    await expect(withRetries(async () => (++calls < 3 ? Promise.reject(reset()) : 'ok'), fast)).resolves.toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(async () => Promise.reject(new Error(`fatal ${++calls}`)), fast)).rejects.toThrow('fatal 1');
    calls = 0;
    await expect(withRetries(async () => Promise.reject(Object.assign(reset(), { n: ++calls })), fast)).rejects.toMatchObject({ n: 3 });
  });
});
