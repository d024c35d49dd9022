/**
 * The payload's stdio: real pipes (stdin only with -i, else /dev/null), or a pseudo-terminal from
 * the container's own devpts instance. The engine keeps the parent ends and relays them.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tty from 'node:tty';
import type { Readable } from 'node:stream';
import { pipe2 } from '../../sys/fd';
import { openPtyPair, setWindowSize } from '../../sys/pty';
import type { LogStream } from './k8s-log';

export interface PayloadStdio {
  /** What the child gets as fds 0, 1, 2. */
  readonly childFds: readonly [number, number, number];
  readonly outputs: ReadonlyArray<{ readonly stream: LogStream; readonly readable: Readable }>;
  readonly terminal: boolean;
  writeStdin(data: Buffer): void;
  endStdin(): void;
  resize(rows: number, cols: number): void;
  /** Closes the engine's copies of the child's ends (after spawn), so EOF/EIO arrive when the payload ends. */
  closeChildEnds(): void;
}

export function createPipeStdio(withStdin: boolean): PayloadStdio {
  const [stdoutR, stdoutW] = pipe2();
  const [stderrR, stderrW] = pipe2();
  let stdinChild: number;
  let stdinWriter: net.Socket | undefined;
  if (withStdin) {
    const [r, w] = pipe2();
    stdinChild = r;
    stdinWriter = new net.Socket({ fd: w, readable: false, writable: true });
    stdinWriter.on('error', () => undefined); // EPIPE when the payload closed its stdin
  } else {
    stdinChild = fs.openSync('/dev/null', fs.constants.O_RDONLY);
  }
  const reader = (fd: number): Readable => new net.Socket({ fd, readable: true, writable: false });
  return {
    childFds: [stdinChild, stdoutW, stderrW],
    outputs: [
      { stream: 'stdout', readable: reader(stdoutR) },
      { stream: 'stderr', readable: reader(stderrR) },
    ],
    terminal: false,
    writeStdin: (data) => void stdinWriter?.write(data),
    endStdin: () => void stdinWriter?.end(),
    resize: () => undefined,
    closeChildEnds: () => [stdinChild, stdoutW, stderrW].forEach((fd) => fs.closeSync(fd)),
  };
}

/**
 * A pty whose slave becomes the payload's fds 0-2 (the shim makes it the controlling terminal).
 * Reads go through a tty.ReadStream on the master; writes use the thread pool (libuv keeps a pty
 * master in blocking mode), so a payload that does not read its input never blocks the engine.
 */
export function createPtyStdio(ptmxPath: string): PayloadStdio {
  const { master, slave } = openPtyPair(ptmxPath);
  setWindowSize(master, 24, 80); // until the client reports its size
  const readable = new tty.ReadStream(master);
  // When the last slave fd closes, reading the master fails with EIO: that is the end of output.
  readable.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO') readable.push(null);
  });
  let writing = Promise.resolve();
  let closed = false;
  const write = (data: Buffer): void => {
    writing = writing.then(() => writeAll(master, data)).catch(() => undefined);
  };
  readable.on('close', () => {
    closed = true;
  });
  return {
    childFds: [slave, slave, slave],
    outputs: [{ stream: 'stdout', readable }],
    terminal: true,
    writeStdin: (data) => {
      if (!closed) write(data);
    },
    endStdin: () => undefined, // a terminal has no EOF of its own; the user types ^D
    resize: (rows, cols) => {
      if (!closed) setWindowSize(master, rows, cols);
    },
    closeChildEnds: () => fs.closeSync(slave),
  };
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
      fs.write(fd, data, offset, data.length - offset, null, (err, n) => (err ? reject(err) : resolve({ bytesWritten: n }))),
    );
    offset += bytesWritten;
  }
}
