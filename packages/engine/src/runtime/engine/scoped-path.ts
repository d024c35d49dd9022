/**
 * Mount destinations resolved the way docker and podman do (symlinks followed), but scoped to the
 * container's root: an image's `/data -> /etc` makes `-v x:/data` land on the container's /etc,
 * and `/up -> ../../..` cannot climb above the rootfs. The mount itself then goes through an
 * O_PATH fd opened component by component with O_NOFOLLOW, so nothing swapped in after the
 * check (another container sharing a volume) can redirect it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { O_CLOEXEC, O_NOFOLLOW, O_PATH, openat } from '../../sys/path-fd';
import { lstatKind, type Lstat } from './safe-path';

/** Linux's own limit on symlinks in one lookup. */
const MAX_LINKS = 40;

export interface ScopedIo {
  readonly lstat: Lstat;
  readonly readlink: (hostPath: string) => string;
}

const hostIo: ScopedIo = { lstat: lstatKind, readlink: (p) => fs.readlinkSync(p) };

/**
 * Pure given `io`: the container path `containerPath` designates once every symlink on the way is
 * followed as if `rootfs` were "/". The result contains no symlink (its last component may be
 * missing). `..` never goes above the root.
 */
export function resolveScoped(rootfs: string, containerPath: string, io: ScopedIo = hostIo): string {
  const pending = containerPath.split('/').filter((p) => p !== '' && p !== '.');
  const current: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      current.pop();
      continue;
    }
    const hostPath = path.join(rootfs, ...current, part);
    const kind = io.lstat(hostPath);
    if (kind !== 'symlink') {
      current.push(part);
      if (kind === 'missing') {
        current.push(...pending.filter((p) => p !== '.'));
        if (current.includes('..')) throw new TsctrError(`container path ${containerPath} goes through a missing directory and then ".."`);
        break;
      }
      continue;
    }
    if (++links > MAX_LINKS) throw new TsctrError(`too many levels of symbolic links resolving ${containerPath} in the image`);
    const target = io.readlink(hostPath);
    if (target.startsWith('/')) current.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== ''));
  }
  return '/' + current.join('/');
}

/**
 * Opens `containerPath` (already free of symlinks) under `rootfs` as an O_PATH fd, one component at
 * a time with O_NOFOLLOW; a symlink anywhere is refused. The caller closes the fd.
 */
export function openInRootfs(rootfs: string, containerPath: string): number {
  let fd = openat(-100, rootfs, O_PATH | O_CLOEXEC);
  try {
    for (const part of containerPath.split('/').filter((p) => p !== '')) {
      const next = openat(fd, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      fs.closeSync(fd);
      fd = next;
      if (fs.fstatSync(fd).isSymbolicLink()) {
        throw new TsctrError(`${containerPath} in the container became a symbolic link while it was being mounted; refusing to follow it`);
      }
    }
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** The path through which a mount lands exactly on what `fd` refers to. */
export const fdPath = (fd: number): string => `/proc/self/fd/${fd}`;
