/** The one JSON line the engine reports to the CLI that launched it (docs/architecture.md, "Engine"). */
import * as fs from 'node:fs';
import { fcntl, ioctlPtr, F_SETFD, FD_CLOEXEC } from '../../sys/libc';

export type ReadyEvent =
  | { readonly event: 'listening' }
  | { readonly event: 'started'; readonly pid: number }
  | { readonly event: 'error'; readonly message: string; readonly exitCode: number };

export class ReadyReporter {
  private fd: number | undefined;

  constructor(fd: number | undefined) {
    this.fd = fd;
    // Inherited without close-on-exec: the shim and the payload must never hold it open.
    if (fd !== undefined) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }

  get pending(): boolean {
    return this.fd !== undefined;
  }

  /** Writes the line and closes the fd; later calls do nothing. */
  report(event: ReadyEvent): void {
    const fd = this.reportAndKeep(event);
    if (fd !== undefined) fs.closeSync(fd);
  }

  /**
   * Writes the line and hands over the fd instead of closing it (the CLI of a --start-held run goes
   * on using the socket pair as its attach connection); undefined when it was reported already or
   * the CLI is gone.
   */
  reportAndKeep(event: ReadyEvent): number | undefined {
    const fd = this.fd;
    if (fd === undefined) return undefined;
    this.fd = undefined;
    try {
      fs.writeSync(fd, JSON.stringify(event) + '\n');
      return fd;
    } catch {
      // the CLI is gone (e.g. interrupted): nobody to tell
      fs.closeSync(fd);
      return undefined;
    }
  }
}

const FIONREAD = 0x541b;

/** Whether the CLI has written to the ready fd already (bytes wait to be read); false when that cannot be told. */
export function goArrived(fd: number): boolean {
  const count = Buffer.alloc(4);
  try {
    ioctlPtr(fd, FIONREAD, count);
  } catch {
    return false;
  }
  return count.readInt32LE(0) > 0;
}

/**
 * Reads the ready fd (a socket pair: the CLI writes on it too) until the line `go`; undefined at
 * its end or on anything else, else what came after the line (the attach request a --start-held
 * run's CLI sends right behind it). The engine has nothing else to do until then, so it reads
 * blocking (no thread pool to start); a non-blocking fd falls back to reads in the thread pool.
 */
export async function waitForGo(fd: number): Promise<Buffer | undefined> {
  const buf = Buffer.alloc(16);
  let received = Buffer.alloc(0);
  let blocking = true;
  for (;;) {
    let n: number;
    try {
      n = blocking ? fs.readSync(fd, buf, 0, buf.length, null) : await new Promise<number>((resolve, reject) => fs.read(fd, buf, 0, buf.length, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && blocking) {
        blocking = false;
        continue;
      }
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      return undefined;
    }
    if (n === 0) return undefined;
    received = Buffer.concat([received, buf.subarray(0, n)]);
    const nl = received.indexOf(0x0a);
    if (nl >= 0) return received.subarray(0, nl).toString('latin1') === 'go' ? received.subarray(nl + 1) : undefined;
  }
}
