/**
 * The host's half of `cp`, run by the CLI as the user. The source is read as the user names it
 * (symlinks inside it are archived as symlinks); an archive from a container is untrusted, so it
 * is unpacked with RESOLVE_BENEATH below the destination directory: no entry can leave it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TsctrError, errnoCode } from '../../errors';
import { kindOf } from './container-side';
import { planPlacement, sourceName } from './copy-plan';
import { RootedDir } from './rooted-dir';
import { packPath, type PackResult } from './tar-pack';
import { unpackTar } from './tar-unpack';

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The tar of a host path (not following it if it is a symlink). */
export function packFromHost(hostPath: string): PackResult {
  const abs = path.resolve(hostPath);
  try {
    fs.lstatSync(abs);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new TsctrError(`"${hostPath}" does not exist on the host`);
    throw err;
  }
  const parent = path.dirname(abs);
  const root = RootedDir.open(parent, 'beneath');
  const result = packPath(root, abs === parent ? '.' : path.basename(abs), sourceName(abs));
  const closing = result.done.finally(() => root.close());
  closing.catch(() => undefined);
  return { stream: result.stream, done: closing };
}

/** Unpacks a container's tar at `dst` on the host (docker cp's destination rules); files belong to the user. */
export function unpackOntoHost(input: Readable, dst: string, contentsOnly: boolean): Promise<void> {
  return unpackTar(input, {
    owner: null,
    place: (top) => {
      const abs = path.resolve(dst) + (dst.endsWith('/') ? '/' : '');
      const trimmed = abs.replace(/\/+$/, '') || '/';
      const placement = planPlacement({
        dst: abs,
        kind: kindOf(statOrUndefined(trimmed)),
        parentKind: kindOf(statOrUndefined(path.dirname(trimmed))),
        srcIsDir: top.isDir,
        srcName: top.name,
        contentsOnly,
      });
      return { root: RootedDir.open(placement.dir, 'beneath'), placement: { ...placement, dir: '.' } };
    },
  });
}
