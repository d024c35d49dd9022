import * as fs from 'node:fs';
import * as path from 'node:path';

/** The plain registry (no auth) holding every fixture: Debian's docker-registry. */
export const REGISTRY = 'localhost:5000';
/** The registry with htpasswd auth, for `login` tests. */
export const AUTH_REGISTRY = 'localhost:5001';
export const AUTH_USER = 'testuser';
export const AUTH_PASSWORD = 'testpassword';

/** Fixture image references (built by e2e/setup/fixtures/build.sh, pushed by e2e/setup/fixtures.sh). */
export const FIXTURES = {
  /** One layer: busybox-static, applet links, /etc/passwd with root, nobody, user (1000). Cmd ["sh"]. */
  busybox: `${REGISTRY}/busybox:latest`,
  /** The busybox image again, where a docker.io mirror looks for `alpine`. */
  alpineMirror: `${REGISTRY}/library/alpine:latest`,
  /** busybox layer + 3 layers of tar features; facts in e2e/fixtures/layers-expected.json. */
  layers: `${REGISTRY}/fixtures/layers:latest`,
  /** The layers image as Docker schema2. */
  layersV2s2: `${REGISTRY}/fixtures/layers-v2s2:latest`,
  /** The layers image with zstd-compressed layers (same diff ids). */
  layersZstd: `${REGISTRY}/fixtures/layers-zstd:latest`,
  /** OCI index: linux/amd64 and linux/arm64 busybox; /etc/arch-marker holds the arch. */
  multi: `${REGISTRY}/fixtures/multi:latest`,
  /** The busybox layer plus one of its own (/etc/second-marker). */
  second: `${REGISTRY}/fixtures/second:latest`,
  /** The busybox layer plus /data -> /etc and /up -> ../../../../../../../../tmp (mount targets that try to escape). */
  symlinks: `${REGISTRY}/fixtures/symlinks:latest`,
  /** The busybox layer plus /www/index.html; config EXPOSEs 80/tcp and runs `httpd -f -p 80 -h /www`. */
  web: `${REGISTRY}/fixtures/web:latest`,
  /** The busybox image on the authenticated registry. */
  privateBusybox: `${AUTH_REGISTRY}/private/busybox:latest`,
} as const;

export type ExpectedEntry =
  | { path: string; type: 'file'; mode: string; uid: number; gid: number; content?: string; size?: number; sha256?: string; xattrs?: Record<string, string> }
  | { path: string; type: 'dir'; mode: string; uid: number; gid: number }
  | { path: string; type: 'symlink'; target: string; uid: number; gid: number }
  | { path: string; type: 'hardlink'; target: string; mode: string; uid: number; gid: number }
  | { path: string; type: 'whiteout' | 'opaque'; tarPath: string };

export interface LayersExpected {
  image: string;
  /** Every entry's mtime, seconds since the epoch. */
  mtime: number;
  config: { cmd: string[]; workingDir: string; labels: Record<string, string> };
  /** In manifest order; complete = the layer holds exactly these entries. */
  layers: { name: string; complete: boolean; entries: ExpectedEntry[] }[];
  /** What a container (or a merged view of all layers) shows. */
  merged: { present: ExpectedEntry[]; absent: string[] };
}

/** The facts about FIXTURES.layers that extraction tests compare against. */
export function layersExpected(): LayersExpected {
  const file = path.join(__dirname, '..', 'fixtures', 'layers-expected.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LayersExpected;
}

/** Octal mode string from the JSON ("4755") as a number including special bits. */
export function modeOf(entry: { mode: string }): number {
  return parseInt(entry.mode, 8);
}
