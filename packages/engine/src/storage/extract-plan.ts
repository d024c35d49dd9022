/**
 * Pure decisions for layer extraction: which names are safe, what a whiteout means, which xattrs
 * are set and how strictly, and the metadata a tar header carries. extract.ts applies them.
 */
import * as path from 'node:path';
import { TsctrError } from '../errors';

/** A tar entry that cannot be extracted safely or at all; `entry` is its name in the archive. */
export class LayerEntryError extends TsctrError {
  readonly entry: string;
  constructor(entry: string, reason: string, options?: { cause?: unknown }) {
    super(`layer entry ${JSON.stringify(entry)}: ${reason}`, 125, options);
    this.name = 'LayerEntryError';
    this.entry = entry;
  }
}

/**
 * The components of an entry name relative to the layer root ([] for the root itself). Refuses
 * absolute names and names whose `..` components climb above the root; NUL bytes are refused too.
 */
export function entryComponents(name: string): string[] {
  if (name.includes('\0')) throw new LayerEntryError(name, 'refused: the name contains a NUL byte');
  if (name.startsWith('/')) throw new LayerEntryError(name, 'refused: absolute path names are not allowed in a layer');
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new LayerEntryError(name, 'refused: ".." climbs out of the layer');
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs bookkeeping entries (e.g. .wh..wh.plnk): meaningless for overlay, skipped like containers/storage. */
const AUFS_META_PREFIX = '.wh..wh.';

export type WhiteoutKind =
  | { readonly kind: 'none' }
  | { readonly kind: 'opaque'; readonly dir: readonly string[] }
  | { readonly kind: 'whiteout'; readonly target: readonly string[] }
  | { readonly kind: 'aufs-meta' };

/** Pure: what an entry's base name means in the OCI whiteout convention. */
export function whiteoutKind(components: readonly string[]): WhiteoutKind {
  const base = components[components.length - 1];
  if (base === undefined || !base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  const dir = components.slice(0, -1);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'aufs-meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') return { kind: 'aufs-meta' };
  return { kind: 'whiteout', target: [...dir, name] };
}

export type XattrPolicy = 'required' | 'best-effort' | 'reserved';

/**
 * Pure: how strictly an xattr from the tar is applied.
 * - `user.overlay.*` is reserved: overlayfs with `userxattr` reads it (opaque, redirect, metacopy),
 *   so an image must not be able to plant it; our markers come only from whiteout entries.
 * - other `user.*` is required: failing to set it fails the layer (it is image content).
 * - `security.*`, `trusted.*`, `system.*` are best effort: some cannot be set in a user namespace
 *   (trusted.*, security.selinux without a policy); those are skipped with a warning.
 */
export function xattrPolicy(name: string): XattrPolicy {
  if (name.startsWith('user.overlay.')) return 'reserved';
  if (name.startsWith('user.')) return 'required';
  return 'best-effort';
}

export interface TarXattr {
  readonly name: string;
  readonly value: Buffer;
}

export interface XattrDecoding {
  readonly xattrs: TarXattr[];
  /** Names whose values were not recoverable byte for byte (see decodeXattrs). */
  readonly lossy: string[];
}

/**
 * Pure: xattrs from PAX records. `SCHILY.xattr.NAME` (GNU tar, Go's archive/tar) carries the raw
 * value, which tar-stream has already decoded as UTF-8: values that were not valid UTF-8 come back
 * with U+FFFD and cannot be restored exactly, so they are reported as lossy rather than corrupted.
 * `LIBARCHIVE.xattr.URLENCODED-NAME` carries base64 and is always exact.
 */
export function decodeXattrs(pax: Readonly<Record<string, string>> | null | undefined): XattrDecoding {
  const xattrs: TarXattr[] = [];
  const lossy: string[] = [];
  if (!pax) return { xattrs, lossy };
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(pax)) {
    if (key.startsWith('LIBARCHIVE.xattr.')) {
      const name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      xattrs.push({ name, value: Buffer.from(value, 'base64') });
      seen.add(name);
    }
  }
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith('SCHILY.xattr.')) continue;
    const name = key.slice('SCHILY.xattr.'.length);
    if (seen.has(name) || name === '') continue;
    if (value.includes('\uFFFD')) lossy.push(name);
    else xattrs.push({ name, value: Buffer.from(value, 'utf8') });
  }
  return { xattrs, lossy };
}

export interface TarHeaderLike {
  readonly name: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: Date;
  readonly pax?: Readonly<Record<string, string>> | null;
}

export interface EntryMetadata {
  readonly uid: number;
  readonly gid: number;
  /** Permission bits including setuid, setgid and sticky (0o7777). */
  readonly mode: number;
  /** Seconds since the epoch, fractional when PAX records give sub-second times. */
  readonly mtime: number;
  readonly atime: number;
}

function paxNumber(pax: Readonly<Record<string, string>> | null | undefined, key: string): number | undefined {
  const raw = pax?.[key];
  if (raw === undefined || !/^-?\d+(\.\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

/** Pure: owner, mode and times of an entry; PAX records win over the ustar fields. */
export function entryMetadata(header: TarHeaderLike): EntryMetadata {
  const mtime = paxNumber(header.pax, 'mtime') ?? (header.mtime ? header.mtime.getTime() / 1000 : 0);
  return {
    uid: paxNumber(header.pax, 'uid') ?? header.uid ?? 0,
    gid: paxNumber(header.pax, 'gid') ?? header.gid ?? 0,
    mode: (header.mode ?? 0o644) & 0o7777,
    mtime,
    atime: paxNumber(header.pax, 'atime') ?? mtime,
  };
}

/** Pure: the relative path string of components, '.' for the root. */
export function relativePath(components: readonly string[]): string {
  return components.length === 0 ? '.' : components.join('/');
}

/** Pure: absolute path under `root`; components come from entryComponents, so it cannot escape. */
export function pathUnder(root: string, components: readonly string[]): string {
  return components.length === 0 ? root : path.join(root, ...components);
}
