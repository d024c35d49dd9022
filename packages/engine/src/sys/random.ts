/**
 * Random bytes from /dev/urandom: for ids and temp names on `run`'s start path, where loading
 * node:crypto (~2-5 ms) would cost more than everything else these callers do.
 */
import * as fs from 'node:fs';

export function urandomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    let got = 0;
    while (got < n) got += fs.readSync(fd, buf, got, n - got, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** An unbiased integer in [0, n) for 0 < n <= 2**32 (rejection sampling over 32-bit draws). */
export function urandomInt(n: number, bytes: (n: number) => Buffer = urandomBytes): number {
  if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`urandomInt: bad range ${n}`);
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const value = bytes(4).readUInt32BE(0);
    if (value < limit) return value % n;
  }
}
