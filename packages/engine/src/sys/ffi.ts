/**
 * The one place that loads libc through koffi. Bindings are created lazily and cached, so commands
 * that never make these calls do not pay for them.
 */
import koffi from 'koffi';
import { SysError } from '../errors';

export type LibcFunction = (...args: unknown[]) => number;

let lib: koffi.IKoffiLib | undefined;
const cache = new Map<string, LibcFunction>();

/** A libc function from its C prototype, e.g. `libcFunction('int flock(int fd, int op)')`. */
export function libcFunction(signature: string): LibcFunction {
  let f = cache.get(signature);
  if (!f) {
    lib ??= koffi.load('libc.so.6');
    f = lib.func(signature) as LibcFunction;
    cache.set(signature, f);
  }
  return f;
}

/** Throws SysError with the current errno when a libc call returned a negative value. */
export function checkReturn(name: string, rc: number, detail?: string): number {
  if (rc < 0) throw new SysError(name, lastErrno(), detail);
  return rc;
}

export function lastErrno(): number {
  return koffi.errno();
}
