/** `tsctr cp SRC DST`: one side is `CONTAINER:PATH`, the other a host path or `-` (a tar stream). */
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { StorePaths } from '../../storage/paths';
import { findContainer } from '../containers/store';
import { isContentsOnly, planCopyDirection } from './copy-plan';
import { copyInto, copyOutOf } from './copy-transport';
import { packFromHost, unpackOntoHost } from './host-side';

export interface CopyOptions {
  /** -a: files copied in keep the archive's uid/gid instead of belonging to the container's root. */
  readonly archive: boolean;
  readonly stdin: Readable;
  readonly stdout: Writable;
}

export async function copyFiles(p: StorePaths, srcArg: string, dstArg: string, opts: CopyOptions): Promise<void> {
  const plan = planCopyDirection(srcArg, dstArg);
  const record = await findContainer(p, plan.container);
  if (plan.direction === 'out') {
    const { output, done } = await copyOutOf(p, record, plan.src);
    try {
      if (plan.dst.kind === 'stream') {
        output.pipe(opts.stdout);
        await Promise.all([done, finished(output)]);
      } else {
        await Promise.all([unpackOntoHost(output, plan.dst.path, isContentsOnly(plan.src)), done]);
      }
    } catch (err) {
      output.destroy();
      throw err;
    }
    return;
  }
  const fromStream = plan.src.kind === 'stream';
  const packed = plan.src.kind === 'host' ? packFromHost(plan.src.path) : { stream: opts.stdin, done: Promise.resolve() };
  const spec = {
    path: plan.dst,
    contentsOnly: plan.src.kind === 'host' && isContentsOnly(plan.src.path),
    keepOwners: opts.archive,
    fromArchive: fromStream,
  };
  try {
    await Promise.all([copyInto(p, record, spec, packed.stream), packed.done]);
  } catch (err) {
    packed.stream.destroy();
    throw err;
  }
}
