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
