/**
 * `run`/`start -a`/`attach`: connects to the engine's control socket, relays stdin (and its EOF),
 * writes stdout and stderr frames to the matching streams, handles the terminal (raw mode, window
 * size, detach keys) and forwards the CLI's signals (podman's --sig-proxy). Resolves with the
 * payload's exit code from the Exit frame, or `detached`.
 */
import type * as net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { TsctrError } from '../../errors';
import { trace } from '../../trace';
import type { StorePaths } from '../../storage/paths';
import { Frame, FrameDecoder, encodeFrame, parseJsonPayload, type ControlReply, type ControlRequest, type ExitReport } from '../control-protocol';
import type { AttachChannel } from './launch-engine';
import { connectToEngine, requestEngine } from './control-client';
import { DetachKeyMatcher } from './detach-keys';

export interface AttachOptions {
  /** -i: forward stdin to the payload. */
  readonly stdin: boolean;
  /** The container has a terminal (-t): raw mode and window size on the client's terminal. */
  readonly tty: boolean;
  /** Bytes of the detach sequence (empty: never detach). Only honoured with a tty. */
  readonly detachKeys: Buffer;
  /** Forward SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 received by the CLI to the payload. */
  readonly sigProxy: boolean;
  readonly input?: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly output?: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  readonly errorOutput?: Writable;
  /** The request that opens the session (default `attach`; `exec` streams a new process the same way). */
  readonly request?: ControlRequest;
  /** A connection whose attach request was sent already (a --start-held engine's ready socket pair). */
  readonly channel?: AttachChannel;
}

export type AttachResult =
  | { readonly kind: 'exited'; readonly report: ExitReport }
  | { readonly kind: 'detached' };

const PROXIED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export async function attachToContainer(p: StorePaths, id: string, opts: AttachOptions): Promise<AttachResult> {
  // process.stdin is made (a stream over fd 0) only when something reads it: not for a plain run.
  const input = (): NonNullable<AttachOptions['input']> => opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const errorOutput = opts.errorOutput ?? process.stderr;
  const socket = opts.channel?.socket ?? (await connectToEngine(p, id));
  trace('cli-connected');
  const cleanups: (() => void)[] = [];
  try {
    return await new Promise<AttachResult>((resolve, reject) => {
      const decoder = new FrameDecoder();
      let replied = false;
      let settled = false;
      const finish = (result: AttachResult | Error): void => {
        if (settled) return;
        settled = true;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };

      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          switch (frame.type) {
            case Frame.Reply: {
              const reply = parseJsonPayload<ControlReply>(frame);
              if (!reply.ok) return finish(new TsctrError(reply.error ?? `the engine of container ${id} refused to attach`, reply.exitCode ?? 125));
              replied = true;
              startRelaying();
              break;
            }
            case Frame.Stdout:
              output.write(frame.payload);
              break;
            case Frame.Stderr:
              errorOutput.write(frame.payload);
              break;
            case Frame.Exit:
              finish({ kind: 'exited', report: parseJsonPayload<ExitReport>(frame) });
              break;
          }
        }
      });
      socket.once('error', (err) => finish(err));
      socket.once('close', () => finish(new TsctrError(`lost the connection to the engine of container ${id}${replied ? '' : ' before it accepted the attach'}; see its engine.log`)));
      if (opts.channel) {
        // The request went with `go`; what followed the readiness line is the start of the answer.
        if (opts.channel.rest.length > 0) socket.unshift(opts.channel.rest);
        socket.resume();
      } else {
        socket.write(encodeFrame(Frame.Request, opts.request ?? { op: 'attach', stdin: opts.stdin }));
      }

      const startRelaying = (): void => {
        if (opts.tty) cleanups.push(setUpTerminal(socket, input(), output));
        if (opts.stdin) cleanups.push(relayStdin(socket, input(), opts.tty ? opts.detachKeys : Buffer.alloc(0), () => finish({ kind: 'detached' })));
        if (opts.sigProxy) cleanups.push(proxySignals(p, id));
      };
    });
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    socket.destroy();
  }
}

/** Raw mode on the client's terminal, initial window size and SIGWINCH resizes; returns the undo. */
function setUpTerminal(socket: net.Socket, input: NonNullable<AttachOptions['input']>, output: NonNullable<AttachOptions['output']>): () => void {
  const sendSize = (): void => {
    if (output.columns && output.rows) socket.write(encodeFrame(Frame.Resize, { rows: output.rows, cols: output.columns }));
  };
  sendSize();
  process.on('SIGWINCH', sendSize);
  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  const restore = (): void => {
    if (raw) input.setRawMode?.(false);
  };
  if (raw) {
    input.setRawMode?.(true);
    // A CLI killed by an unproxied signal or process.exit() must not leave the terminal raw.
    process.once('exit', restore);
  }
  return () => {
    process.removeListener('SIGWINCH', sendSize);
    process.removeListener('exit', restore);
    restore();
  };
}

function relayStdin(socket: net.Socket, input: Readable, detachKeys: Buffer, onDetach: () => void): () => void {
  const matcher = new DetachKeyMatcher(detachKeys);
  const onData = (chunk: Buffer): void => {
    const { forward, detach } = matcher.feed(chunk);
    if (forward.length > 0) socket.write(encodeFrame(Frame.Stdin, forward));
    if (detach) onDetach();
  };
  const onEnd = (): void => {
    socket.write(encodeFrame(Frame.StdinEof, Buffer.alloc(0)));
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.resume();
  return () => {
    input.removeListener('data', onData);
    input.removeListener('end', onEnd);
    input.pause();
    // process.stdin holds the event loop open while it is flowing; let the CLI exit.
    (input as { unref?: () => void }).unref?.();
  };
}

function proxySignals(p: StorePaths, id: string): () => void {
  const handlers = PROXIED_SIGNALS.map((signal) => {
    const handler = (): void => {
      requestEngine(p, id, { op: 'kill', signal }).catch(() => undefined);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
