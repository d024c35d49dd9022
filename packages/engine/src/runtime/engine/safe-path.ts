/**
 * Resolving paths inside a container's root filesystem without ever leaving it. Images are
 * untrusted: `/etc/hosts -> /etc/shadow` or `/dev -> /` must never make the engine mount or write
 * outside the rootfs. We walk the path one component at a time with lstat and refuse symlinks
 * (the rootfs is not running anything yet, so nothing can swap a component after the check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsctrError } from '../../errors';

/** Pure: `/etc//hosts/` -> ['etc', 'hosts']; `..` anywhere is refused (never needed for our targets). */
export function containerPathComponents(containerPath: string): string[] {
  const parts = containerPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new TsctrError(`container path "${containerPath}" must not contain ".."`);
  return parts;
}

export type EntryKind = 'missing' | 'directory' | 'file' | 'symlink' | 'other';
export type Lstat = (hostPath: string) => EntryKind;

export function lstatKind(hostPath: string): EntryKind {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(hostPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  return 'other';
}

export interface ResolvedPath {
  readonly hostPath: string;
  /** What is at the final component now. */
  readonly kind: EntryKind;
  /** Index of the first missing component (parents from there on must be created), or -1. */
  readonly firstMissing: number;
}

/**
 * Pure given `lstat`: checks every component of `containerPath` under `rootfs`. Directories on the
 * way must be real directories (or missing); a symlink anywhere before the last component is an
 * error. The last component's kind is reported (it may be a symlink; the caller decides).
 */
export function resolveInRootfs(rootfs: string, containerPath: string, lstat: Lstat = lstatKind): ResolvedPath {
  const parts = containerPathComponents(containerPath);
  let current = rootfs;
  let firstMissing = -1;
  let kind: EntryKind = 'directory';
  parts.forEach((part, i) => {
    current = path.join(current, part);
    kind = firstMissing >= 0 ? 'missing' : lstat(current);
    if (kind === 'missing' && firstMissing < 0) firstMissing = i;
    const isLast = i === parts.length - 1;
    if (!isLast && kind !== 'directory' && kind !== 'missing') {
      const what = kind === 'symlink' ? 'a symbolic link' : 'not a directory';
      throw new TsctrError(`the image's /${parts.slice(0, i + 1).join('/')} is ${what}; refusing to resolve /${parts.join('/')} through it (it could point outside the container)`);
    }
  });
  return { hostPath: current, kind, firstMissing };
}

export type MountPointKind = 'directory' | 'file';

/**
 * Makes sure `containerPath` exists under `rootfs` as a `want` (creating missing parents and the
 * entry itself) and returns its host path. A symlink or wrong type at the final component is
 * replaced when `replace` is set (used for files the engine generates, like /etc/hosts), and
 * refused otherwise.
 */
export function ensureMountPoint(rootfs: string, containerPath: string, want: MountPointKind, replace = false): string {
  const resolved = resolveInRootfs(rootfs, containerPath);
  const { hostPath } = resolved;
  if (resolved.kind === want) return hostPath;
  if (resolved.kind !== 'missing') {
    if (!replace || resolved.kind === 'directory') {
      throw new TsctrError(`the image's ${containerPath} is ${describe(resolved.kind)}, expected a ${want}; the engine will not mount over it`);
    }
    fs.unlinkSync(hostPath);
  }
  fs.mkdirSync(path.dirname(hostPath), { recursive: true, mode: 0o755 });
  if (want === 'directory') fs.mkdirSync(hostPath, { mode: 0o755 });
  else fs.closeSync(fs.openSync(hostPath, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW, 0o644));
  return hostPath;
}

function describe(kind: EntryKind): string {
  return kind === 'symlink' ? 'a symbolic link' : kind === 'other' ? 'a special file' : `a ${kind}`;
}

/**
 * Reads a regular file of the image (e.g. /etc/passwd) without following symlinks anywhere.
 * Missing, a symlink, or not a regular file -> undefined.
 */
export function readRootfsFile(rootfs: string, containerPath: string): string | undefined {
  let resolved: ResolvedPath;
  try {
    resolved = resolveInRootfs(rootfs, containerPath);
  } catch {
    return undefined;
  }
  if (resolved.kind !== 'file') return undefined;
  let fd: number;
  try {
    fd = fs.openSync(resolved.hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
