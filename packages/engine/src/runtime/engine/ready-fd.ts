/** The one JSON line the engine reports to the CLI that launched it (docs/architecture.md, "Engine"). */
import * as fs from 'node:fs';
import { fcntl, F_SETFD, FD_CLOEXEC } from '../../sys/libc';

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
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      fs.writeSync(fd, JSON.stringify(event) + '\n');
    } catch {
      // the CLI is gone (e.g. interrupted): nobody to tell
    } finally {
      fs.closeSync(fd);
    }
  }
}
