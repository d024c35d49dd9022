/**
 * A directory tree whose paths are resolved by the kernel without leaving it (openat2). A
 * container's root filesystem is untrusted and may change while we work (a running payload can
 * swap a directory for a symlink at any moment), so no path is ever checked first and used later:
 * the parent directory is opened with RESOLVE_IN_ROOT (the container's "/") or RESOLVE_BENEATH (a
 * host destination), and the final component is used through /proc/self/fd/<parent>/<name>,
 * which names exactly that opened directory, and is never followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsctrError, errnoCode } from '../../errors';
import { O_DIRECTORY, O_NOFOLLOW, O_PATH, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, openat2 } from '../../sys/openat2';

/** `in-root`: symlinks resolve as if the directory were "/"; `beneath`: leaving the directory is an error. */
export type RootMode = 'in-root' | 'beneath';

/** Pure: a relative path's components; "." and empty ones dropped, ".." refused. */
export function relativeComponents(p: string): string[] {
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new TsctrError(`path "${p}" must not contain ".."`);
  return parts;
}

export class RootedDir {
  private constructor(private readonly fd: number, private readonly resolve: number, readonly description: string) {}

  /** Opens `dir` itself the ordinary way (it is the caller's choice); everything below is confined. */
  static open(dir: string, mode: RootMode): RootedDir {
    const fd = fs.openSync(dir, O_PATH | O_DIRECTORY);
    return new RootedDir(fd, (mode === 'in-root' ? RESOLVE_IN_ROOT : RESOLVE_BENEATH) | RESOLVE_NO_MAGICLINKS, dir);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** An O_PATH descriptor of the directory `rel` (symlinks on the way are resolved inside the root). */
  openDir(rel: string): number {
    const parts = relativeComponents(rel);
    return openat2(this.fd, parts.length === 0 ? '.' : parts.join('/'), O_PATH | O_DIRECTORY, 0, this.resolve);
  }

  /** Like openDir but for any kind of entry, following a final symlink inside the root. */
  openPath(rel: string): number {
    const parts = relativeComponents(rel);
    return openat2(this.fd, parts.length === 0 ? '.' : parts.join('/'), O_PATH, 0, this.resolve);
  }

  /** Follows symlinks (inside the root); undefined when missing. */
  stat(rel: string): fs.Stats | undefined {
    let fd: number;
    try {
      fd = this.openPath(rel);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
      throw err;
    }
    try {
      return fs.fstatSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Runs `fn` with the parent directory of `rel` open, giving it `/proc/self/fd/<parent>/<name>`:
   * Node's fs calls on that path act on the entry `name` of exactly that directory. The caller
   * must not follow the final component (lstat, O_NOFOLLOW, lchown, ...).
   */
  withEntry<T>(rel: string, fn: (entryPath: string, name: string) => T): T {
    const parts = relativeComponents(rel);
    const name = parts.pop();
    if (name === undefined) throw new TsctrError(`"${rel}" names the root itself, not an entry in it`);
    const parent = this.openDir(parts.join('/'));
    try {
      return fn(`/proc/self/fd/${parent}/${name}`, name);
    } finally {
      fs.closeSync(parent);
    }
  }

  /** lstat of the final component (not followed); undefined when it or a parent is missing. */
  lstat(rel: string): fs.Stats | undefined {
    if (relativeComponents(rel).length === 0) return this.stat('.');
    try {
      return this.withEntry(rel, (entry) => fs.lstatSync(entry));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
      throw err;
    }
  }
}

/** Opens `name` inside the directory fd without following symlinks anywhere (for walking a tree). */
export function openChild(dirFd: number, name: string, flags: number): number {
  return openat2(dirFd, name, flags | O_NOFOLLOW, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

export const fdPath = (fd: number, name?: string): string => (name === undefined ? `/proc/self/fd/${fd}` : path.join(`/proc/self/fd/${fd}`, name));
