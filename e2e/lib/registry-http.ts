/** Minimal registry v2 reads over plain http, for checking fixtures without tsctr's own client. */

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Credentials {
  username: string;
  password: string;
}

export interface FetchedManifest {
  /** The Docker-Content-Digest header. */
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

/** Splits "host:port/repo/path:tag" (or @digest) into its parts. */
export function splitReference(ref: string): { host: string; repo: string; reference: string } {
  const slash = ref.indexOf('/');
  const host = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const at = rest.indexOf('@');
  if (at >= 0) return { host, repo: rest.slice(0, at), reference: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(':');
  return colon >= 0 ? { host, repo: rest.slice(0, colon), reference: rest.slice(colon + 1) } : { host, repo: rest, reference: 'latest' };
}

function headers(creds?: Credentials, accept?: string): Record<string, string> {
  const h: Record<string, string> = {};
  if (accept) h.Accept = accept;
  if (creds) h.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  return h;
}

/** GETs a manifest or index by "host/repo:tag" or "host/repo@digest". */
export async function fetchManifest(ref: string, creds?: Credentials): Promise<FetchedManifest> {
  const { host, repo, reference } = splitReference(ref);
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { headers: headers(creds, MANIFEST_ACCEPT) });
  if (!res.ok) throw new Error(`GET manifest ${ref}: HTTP ${res.status}`);
  return {
    digest: res.headers.get('docker-content-digest') ?? '',
    mediaType: (res.headers.get('content-type') ?? '').split(';')[0],
    json: (await res.json()) as Record<string, unknown>,
  };
}

/** GETs a blob of repository "host/repo" (any tag suffix is ignored). */
export async function fetchBlob(ref: string, digest: string, creds?: Credentials): Promise<Buffer> {
  const { host, repo } = splitReference(ref);
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`, { headers: headers(creds) });
  if (!res.ok) throw new Error(`GET blob ${digest} of ${ref}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The status code of GET http://host/v2/ (0 when nothing answers). */
export async function pingStatus(host: string): Promise<number> {
  try {
    const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(5000) });
    return res.status;
  } catch {
    return 0;
  }
}
