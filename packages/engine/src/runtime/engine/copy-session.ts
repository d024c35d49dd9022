/**
 * `copy-out` and `copy-in` on the control socket (docs/control-protocol.md): the engine has the
 * container's root filesystem mounted, so it packs or unpacks the tar itself (runtime/copy),
 * streaming it as Stdout frames or taking it from Stdin frames, and ends with an Exit frame.
 */
import { PassThrough } from 'node:stream';
import { Frame, type ControlReply, type CopyInSpec, type ExitReport } from '../control-protocol';
import { packFromContainer, unpackIntoContainer } from '../copy/container-side';
import type { ClientSessions } from './client-sessions';
import type { ControlClient } from './control-server';

function end(client: ControlClient, err?: unknown): void {
  const report: ExitReport = err === undefined ? { exitCode: 0 } : { exitCode: 125, error: (err as Error).message };
  client.send(Frame.Exit, report);
  client.end();
}

/** Replies at once (a missing source is refused in the reply), then streams the tar. */
export function serveCopyOut(client: ControlClient, rootfs: string, containerPath: string, containerName: string): ControlReply {
  let packed;
  try {
    packed = packFromContainer(rootfs, containerPath, containerName);
  } catch (err) {
    return { ok: false, error: (err as Error).message, exitCode: 125 };
  }
  const { stream, done } = packed;
  stream.pause();
  // After the reply has been written (the server sends it when this handler returns).
  setImmediate(() => {
    stream.on('data', (chunk: Buffer) => client.send(Frame.Stdout, chunk));
    const streamed = new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    Promise.all([done, streamed]).then(() => end(client), (err: unknown) => end(client, err));
    stream.resume();
  });
  return { ok: true };
}

/** Replies at once; the client's Stdin frames are the tar, StdinEof its end. */
export function serveCopyIn(client: ControlClient, sessions: ClientSessions, rootfs: string, spec: CopyInSpec): ControlReply {
  const input = new PassThrough();
  client.stdin = true;
  sessions.add(client, {
    stdin: (data) => void input.write(data),
    stdinEof: () => void input.end(),
    resize: () => undefined,
    disconnected: () => input.destroy(new Error('the client went away before the archive ended')),
  });
  unpackIntoContainer(input, rootfs, spec).then(
    () => end(client),
    (err: unknown) => end(client, err),
  ).finally(() => sessions.remove(client));
  return { ok: true };
}
