/**
 * `cp` decisions, pure: which side of `SRC DST` is in a container, where the copied tree lands
 * (docker cp's rules), and how each archive entry name maps to a path under the destination.
 */
import * as path from 'node:path';
import { TsctrError } from '../../errors';

export type CopyEndpoint =
  | { readonly kind: 'container'; readonly container: string; readonly path: string }
  | { readonly kind: 'host'; readonly path: string }
  | { readonly kind: 'stream' };

/** `CONTAINER:PATH`, `-` (a tar stream on stdin/stdout), or a host path (`./a:b` stays local). */
export function parseCopyEndpoint(arg: string): CopyEndpoint {
  if (arg === '-') return { kind: 'stream' };
  if (arg.startsWith('/') || arg.startsWith('.')) return { kind: 'host', path: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { kind: 'host', path: arg };
  const container = arg.slice(0, colon);
  const inside = arg.slice(colon + 1);
  if (container.includes('/')) return { kind: 'host', path: arg };
  return { kind: 'container', container, path: inside === '' ? '/' : inside };
}

export type CopyDirection =
  | { readonly direction: 'out'; readonly container: string; readonly src: string; readonly dst: CopyEndpoint & { kind: 'host' | 'stream' } }
  | { readonly direction: 'in'; readonly container: string; readonly src: CopyEndpoint & { kind: 'host' | 'stream' }; readonly dst: string };

export function planCopyDirection(srcArg: string, dstArg: string): CopyDirection {
  const src = parseCopyEndpoint(srcArg);
  const dst = parseCopyEndpoint(dstArg);
  if (src.kind === 'container' && dst.kind === 'container') throw new TsctrError('copying between containers is not supported: copy to the host first');
  if (src.kind === 'stream' && dst.kind === 'stream') throw new TsctrError('"-" can be the source or the destination, not both');
  if (src.kind === 'container') return { direction: 'out', container: src.container, src: src.path, dst: dst as CopyEndpoint & { kind: 'host' | 'stream' } };
  if (dst.kind === 'container') return { direction: 'in', container: dst.container, src: src as CopyEndpoint & { kind: 'host' | 'stream' }, dst: dst.path };
  throw new TsctrError(`one of "${srcArg}" and "${dstArg}" must name a container path as CONTAINER:PATH`);
}

/** The source name as archived: the last component of the path (`/` -> `rootfs`). */
export function sourceName(p: string): string {
  const base = path.posix.basename(path.posix.normalize(p));
  return base === '' || base === '/' || base === '.' || base === '..' ? 'rootfs' : base;
}

/** `DIR/.`: the contents of DIR rather than DIR itself. */
export const isContentsOnly = (p: string): boolean => /(^|\/)\.\/?$/.test(p);

export type DestinationKind = 'missing' | 'directory' | 'file';

/** Where entries land: `dir` (exists) and the name the archive's top entry takes there. */
export type Placement =
  /** Every entry's first component is replaced by `name` (it must be the archive's top entry). */
  | { readonly dir: string; readonly mode: 'rename'; readonly name: string }
  /** The top entry is dropped and its contents go straight into `dir`. */
  | { readonly dir: string; readonly mode: 'contents' }
  /** Entries are extracted as named (a user's tar stream). */
  | { readonly dir: string; readonly mode: 'as-is' };

export interface DestinationFacts {
  /** The destination as typed. */
  readonly dst: string;
  /** What is at dst (symlinks followed); `parent` what is at its parent directory. */
  readonly kind: DestinationKind;
  readonly parentKind: DestinationKind;
  readonly srcIsDir: boolean;
  /** The archive's top entry name (the source's last component). */
  readonly srcName: string;
  readonly contentsOnly: boolean;
}

/** docker cp's destination rules. */
export function planPlacement(f: DestinationFacts): Placement {
  const trailingSlash = f.dst.endsWith('/');
  const dstPath = f.dst.replace(/\/+$/, '') || '/';
  if (f.kind === 'directory') return f.contentsOnly ? { dir: dstPath, mode: 'contents' } : { dir: dstPath, mode: 'rename', name: f.srcName };
  if (f.kind === 'file') {
    if (trailingSlash) throw new TsctrError(`destination "${f.dst}" is not a directory`);
    if (f.srcIsDir) throw new TsctrError(`cannot copy a directory to the file "${f.dst}"`);
  }
  if (f.kind === 'missing' && trailingSlash && !f.srcIsDir) throw new TsctrError(`destination directory "${f.dst}" does not exist`);
  if (f.parentKind !== 'directory') throw new TsctrError(`the parent directory of "${dstPath}" does not exist (or is not a directory)`);
  return { dir: path.posix.dirname(dstPath), mode: 'rename', name: path.posix.basename(dstPath) };
}

/** Pure: an archive entry name's components; absolute names and ".." are refused. */
export function entryComponents(name: string): string[] {
  if (name.startsWith('/')) throw new TsctrError(`archive entry "${name}" is an absolute path`);
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new TsctrError(`archive entry "${name}" contains ".."`);
  return parts;
}

/**
 * Pure: where entry `name` goes, relative to the copy root (the container's "/" or the host
 * destination's parent), or null to skip it. `top` is the archive's first component.
 */
export function placeEntry(name: string, placement: Placement, top: string): string | null {
  const parts = entryComponents(name);
  if (placement.mode === 'as-is') return parts.length === 0 ? null : path.posix.join(placement.dir, ...parts);
  if (parts[0] !== top) throw new TsctrError(`archive entry "${name}" is not inside "${top}", the archive's top entry`);
  if (placement.mode === 'contents') return parts.length === 1 ? null : path.posix.join(placement.dir, ...parts.slice(1));
  return path.posix.join(placement.dir, placement.name, ...parts.slice(1));
}
