/**
 * The one place that loads libc through koffi. Bindings are created lazily and cached, so commands
 * that never make these calls do not pay for them.
 */
import type Koffi from 'koffi';
import { SysError } from '../errors';

export type LibcFunction = (...args: unknown[]) => number;

let koffiModule: typeof Koffi | undefined;

/**
 * koffi's native addon, loaded directly where the platform is one whose directory name is just
 * `${platform}_${arch}` (x64, arm64): koffi's index.js would first load its installer helpers and
 * with them node:https, node:crypto and node:zlib (about 8 ms and 1 MiB per process).
 */
function koffi(): typeof Koffi {
  if (koffiModule) return koffiModule;
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (process.arch === 'x64' || process.arch === 'arm64') {
    try {
      koffiModule = require(`koffi/build/koffi/${process.platform}_${process.arch}/koffi.node`) as typeof Koffi;
      return koffiModule;
    } catch {
      // another layout (musl, a newer koffi): the package's own loader finds it
    }
  }
  koffiModule = require('koffi') as typeof Koffi;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return koffiModule;
}

let lib: Koffi.IKoffiLib | undefined;
const cache = new Map<string, LibcFunction>();

/** A libc function from its C prototype, e.g. `libcFunction('int flock(int fd, int op)')`. */
export function libcFunction(signature: string): LibcFunction {
  let f = cache.get(signature);
  if (!f) {
    lib ??= koffi().load('libc.so.6');
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
  return koffi().errno();
}
