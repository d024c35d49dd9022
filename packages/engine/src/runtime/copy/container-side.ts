/**
 * The container's half of `cp`, run where the container's root filesystem is mounted (the engine,
 * or a worker in the user namespace for a stopped container): paths resolve with the rootfs as
 * "/", so no symlink in the container can lead outside it.
 */
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TsctrError } from '../../errors';
import type { CopyInSpec } from '../control-protocol';
import { planPlacement, sourceName, type DestinationKind, type Placement } from './copy-plan';
import { RootedDir } from './rooted-dir';
import { packPath, type PackResult } from './tar-pack';
import { unpackTar } from './tar-unpack';
import type * as fs from 'node:fs';

export function kindOf(st: fs.Stats | undefined): DestinationKind {
  if (!st) return 'missing';
  return st.isDirectory() ? 'directory' : 'file';
}

/** The tar of `containerPath` (its last component as the top entry); a missing path is an error now. */
export function packFromContainer(rootfs: string, containerPath: string, containerName: string): PackResult {
  const root = RootedDir.open(rootfs, 'in-root');
  try {
    if (!root.lstat(containerPath)) throw new TsctrError(`could not find "${containerPath}" in container ${containerName}: no such file or directory`);
    const result = packPath(root, containerPath, sourceName(containerPath));
    const closing = result.done.finally(() => root.close());
    closing.catch(() => undefined);
    return { stream: result.stream, done: closing };
  } catch (err) {
    root.close();
    throw err;
  }
}

/** Unpacks a tar stream at spec.path in the container; files belong to the container's root unless keepOwners. */
export function unpackIntoContainer(input: Readable, rootfs: string, spec: CopyInSpec): Promise<void> {
  return unpackTar(input, {
    owner: spec.keepOwners ? 'archive' : { uid: 0, gid: 0 },
    place: (top) => {
      const root = RootedDir.open(rootfs, 'in-root');
      try {
        return { root, placement: placementIn(root, spec, top) };
      } catch (err) {
        root.close();
        throw err;
      }
    },
  });
}

function placementIn(root: RootedDir, spec: CopyInSpec, top: { name: string; isDir: boolean }): Placement {
  const dst = spec.path.startsWith('/') ? spec.path : `/${spec.path}`;
  const kind = kindOf(root.stat(dst));
  if (spec.fromArchive) {
    if (kind !== 'directory') throw new TsctrError(`destination "${spec.path}" must be an existing directory in the container to extract an archive into`);
    return { dir: dst, mode: 'as-is' };
  }
  const parentKind = kindOf(root.stat(path.posix.dirname(dst.replace(/\/+$/, '') || '/')));
  return planPlacement({ dst, kind, parentKind, srcIsDir: top.isDir, srcName: top.name, contentsOnly: spec.contentsOnly === true });
}
