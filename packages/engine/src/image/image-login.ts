/**
 * `tsctr login`: proves credentials against a registry's /v2/ before they are saved, with the two
 * flows registries use: Basic (retry /v2/ with the credentials) and Bearer (ask the token realm
 * for a token with the credentials). https first; plain http only where endpoint.ts allows it.
 */
import { TsctrError } from '../errors';
import { apiHostFor, plainHttpAllowed } from './endpoint';
import type { Credentials } from './auth';
import { parseWwwAuthenticate } from './www-authenticate';

function basic(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

async function request(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(30_000) });
}

/** /v2/ over https, falling back to http where allowed; returns the answer and the base URL that gave it. */
async function ping(registry: string, insecure: boolean, headers: Record<string, string> = {}): Promise<{ res: Response; base: string }> {
  const host = apiHostFor(registry);
  const schemes = plainHttpAllowed({ registry, insecure }) ? ['https', 'http'] : ['https'];
  let lastError: unknown;
  for (const scheme of schemes) {
    const base = `${scheme}://${host}`;
    try {
      return { res: await request(`${base}/v2/`, headers), base };
    } catch (err) {
      lastError = err;
    }
  }
  const cause = lastError instanceof Error ? ((lastError.cause as Error | undefined)?.message ?? lastError.message) : String(lastError);
  throw new TsctrError(`cannot reach registry ${registry}: ${cause}${insecure ? '' : ' (for a plain-http registry use --tls-verify=false)'}`, 125, { cause: lastError });
}

const unauthorized = (registry: string): TsctrError => new TsctrError(`logging into ${registry}: invalid username/password (unauthorized)`);

export async function verifyRegistryLogin(registry: string, creds: Credentials, opts: { insecure: boolean }): Promise<void> {
  const { res, base } = await ping(registry, opts.insecure);
  await res.body?.cancel();
  if (res.ok) return; // no authentication at all
  if (res.status !== 401) throw new TsctrError(`logging into ${registry}: /v2/ answered ${res.status} ${res.statusText}`);
  const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
  const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges[0];
  if (challenge?.scheme === 'bearer' && challenge.params.realm) {
    const url = new URL(challenge.params.realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const tokenRes = await request(url.toString(), { Authorization: basic(creds) });
    await tokenRes.body?.cancel();
    if (tokenRes.status === 401 || tokenRes.status === 403) throw unauthorized(registry);
    if (!tokenRes.ok) throw new TsctrError(`logging into ${registry}: the token service answered ${tokenRes.status} ${tokenRes.statusText}`);
    return;
  }
  const retry = await request(`${base}/v2/`, { Authorization: basic(creds) });
  await retry.body?.cancel();
  if (retry.ok) return;
  if (retry.status === 401 || retry.status === 403) throw unauthorized(registry);
  throw new TsctrError(`logging into ${registry}: /v2/ answered ${retry.status} ${retry.statusText}`);
}
