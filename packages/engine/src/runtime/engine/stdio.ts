/**
 * The payload's stdio: real pipes (stdin only with -i, else /dev/null), or a pseudo-terminal from
 * the container's own devpts instance. The engine keeps the parent ends and relays them.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type * as Tty from 'node:tty';
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
  /** The engine's ends, for a monitor that takes them over (monitor-handoff.ts). */
  readonly parentFds?: ParentStdioFds;
}

export type ParentStdioFds =
  | { readonly kind: 'pipes'; readonly stdout: number; readonly stderr: number; readonly stdin?: number }
  | { readonly kind: 'pty'; readonly master: number };

export function createPipeStdio(withStdin: boolean): PayloadStdio {
  const [stdoutR, stdoutW] = pipe2();
  const [stderrR, stderrW] = pipe2();
  let stdinChild: number;
  let stdinW: number | undefined;
  if (withStdin) {
    [stdinChild, stdinW] = pipe2();
  } else {
    stdinChild = fs.openSync('/dev/null', fs.constants.O_RDONLY);
  }
  return {
    ...pipeRelay({ kind: 'pipes', stdout: stdoutR, stderr: stderrR, ...(stdinW !== undefined ? { stdin: stdinW } : {}) }),
    childFds: [stdinChild, stdoutW, stderrW],
    closeChildEnds: () => [stdinChild, stdoutW, stderrW].forEach((fd) => fs.closeSync(fd)),
  };
}

/** The relaying half of pipe stdio, on the parent ends (also what a monitor rebuilds after taking them over). */
export function pipeRelay(fds: Extract<ParentStdioFds, { kind: 'pipes' }>): Omit<PayloadStdio, 'childFds' | 'closeChildEnds'> {
  let stdinWriter: net.Socket | undefined;
  if (fds.stdin !== undefined) {
    stdinWriter = new net.Socket({ fd: fds.stdin, readable: false, writable: true });
    stdinWriter.on('error', () => undefined); // EPIPE when the payload closed its stdin
  }
  const reader = (fd: number): Readable => new net.Socket({ fd, readable: true, writable: false });
  return {
    outputs: [
      { stream: 'stdout', readable: reader(fds.stdout) },
      { stream: 'stderr', readable: reader(fds.stderr) },
    ],
    terminal: false,
    writeStdin: (data) => void stdinWriter?.write(data),
    endStdin: () => void stdinWriter?.end(),
    resize: () => undefined,
    parentFds: fds,
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
  return { ...ptyRelay(master, setWindowSize), childFds: [slave, slave, slave], closeChildEnds: () => fs.closeSync(slave) };
}

/**
 * The relaying half of pty stdio, on the master (also what a monitor rebuilds after taking it
 * over; it passes a `resize` that loads the ioctl binding only when a client resizes).
 */
export function ptyRelay(master: number, resize: (fd: number, rows: number, cols: number) => void): Omit<PayloadStdio, 'childFds' | 'closeChildEnds'> {
  const readable = new (require('node:tty') as typeof Tty).ReadStream(master); // eslint-disable-line @typescript-eslint/no-require-imports -- only a terminal's engine needs it
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
    outputs: [{ stream: 'stdout', readable }],
    terminal: true,
    writeStdin: (data) => {
      if (!closed) write(data);
    },
    endStdin: () => undefined, // a terminal has no EOF of its own; the user types ^D
    resize: (rows, cols) => {
      if (!closed) resize(master, rows, cols);
    },
    parentFds: { kind: 'pty', master },
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

/**
 * Passes every chunk of `readable` to `onChunk`; resolves at its end. A stream that already ended
 * (held output of a payload that printed nothing, read only at the first attach) resolves at once.
 */
export function relayUntilEnd(readable: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    readable.on('data', onChunk);
    if (readable.readableEnded || readable.destroyed) resolve();
    readable.on('end', () => resolve());
    readable.on('close', () => resolve());
  });
}
