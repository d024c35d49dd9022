/**
 * The engine's control socket (docs/control-protocol.md): framed requests in, replies and output
 * frames out. Knows the framing and the per-connection bookkeeping; the engine decides what each
 * request does (ControlHandler).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Frame, FrameDecoder, encodeFrame, parseJsonPayload, type ControlReply, type ControlRequest, type ExitReport } from '../control-protocol';

export interface ControlClient {
  /** Set by an `attach` request: the client receives output frames and the Exit frame. */
  attached: boolean;
  /** The client's Stdin frames go to the payload. */
  stdin: boolean;
  send(type: Frame, payload: Buffer | string | object): void;
  end(): void;
}

export interface ControlHandler {
  request(client: ControlClient, request: ControlRequest): Promise<ControlReply>;
  stdin(client: ControlClient, data: Buffer): void;
  stdinEof(client: ControlClient): void;
  /** `client` is the sender: an exec session's client resizes its own terminal. */
  resize(rows: number, cols: number, client: ControlClient): void;
  disconnected(client: ControlClient): void;
}

/** A stale or finished socket file goes (unlink: fs.rmSync's generic removal costs ~1 ms here). */
function removeSocketFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export class ControlServer {
  private readonly server: net.Server;
  readonly clients = new Set<ControlClient>();

  constructor(private readonly socketPath: string, private readonly handler: ControlHandler) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /**
   * Listens on the socket path, mode 0600. The path is bound relative to its directory because
   * sun_path holds only 107 bytes and run roots can be deep.
   */
  async listen(): Promise<void> {
    const dir = path.dirname(this.socketPath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeSocketFile(this.socketPath);
    const cwd = process.cwd();
    process.chdir(dir);
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(path.basename(this.socketPath), () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
      process.chdir(cwd);
    }
    fs.chmodSync(this.socketPath, 0o600);
  }

  /** The listening socket's descriptor (for a monitor that takes it over, monitor-handoff.ts). */
  get listeningFd(): number | undefined {
    const fd = (this.server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : undefined;
  }

  /** Serves on an inherited listening socket (the monitor after the engine's execve). */
  adopt(fd: number): void {
    this.server.listen({ fd });
  }

  /** Serves a connection that did not come through the socket path (a --start-held CLI's ready socket pair). */
  adoptConnection(socket: net.Socket): void {
    this.accept(socket);
  }

  /** Every attached client gets this frame. */
  broadcast(type: Frame, payload: Buffer | string | object): void {
    const frame = encodeFrame(type, payload);
    for (const client of this.clients) if (client.attached) (client as Connection).sendRaw(frame);
  }

  /** Sends the Exit frame to every attached client and closes every connection. */
  finish(report: ExitReport): Promise<void> {
    this.broadcast(Frame.Exit, report);
    const closing = [...this.clients].map((c) => (c as Connection).endAndWait());
    this.server.close();
    removeSocketFile(this.socketPath);
    return Promise.all(closing).then(() => undefined);
  }

  private accept(socket: net.Socket): void {
    const client = new Connection(socket);
    this.clients.add(client);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) this.dispatch(client, frame.type, frame.payload);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.clients.delete(client);
      this.handler.disconnected(client);
    });
  }

  private dispatch(client: Connection, type: number, payload: Buffer): void {
    switch (type) {
      case Frame.Request: {
        let request: ControlRequest;
        try {
          request = parseJsonPayload<ControlRequest>({ type, payload });
        } catch {
          client.send(Frame.Reply, { ok: false, error: 'request is not valid JSON' } satisfies ControlReply);
          return;
        }
        this.handler.request(client, request).then(
          (reply) => client.send(Frame.Reply, reply),
          (err: Error) => client.send(Frame.Reply, { ok: false, error: err.message } satisfies ControlReply),
        );
        return;
      }
      case Frame.Stdin:
        if (client.stdin) this.handler.stdin(client, payload);
        return;
      case Frame.StdinEof:
        if (client.stdin) this.handler.stdinEof(client);
        return;
      case Frame.Resize: {
        try {
          const { rows, cols } = parseJsonPayload<{ rows: number; cols: number }>({ type, payload });
          if (Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0) this.handler.resize(rows, cols, client);
        } catch {
          // a malformed resize is ignored: it cannot hurt the container
        }
        return;
      }
      default:
        client.send(Frame.Reply, { ok: false, error: `unknown frame type ${type}` } satisfies ControlReply);
    }
  }
}

class Connection implements ControlClient {
  attached = false;
  stdin = false;
  constructor(private readonly socket: net.Socket) {}

  send(type: Frame, payload: Buffer | string | object): void {
    this.sendRaw(encodeFrame(type, payload));
  }

  sendRaw(frame: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(frame);
  }

  end(): void {
    this.socket.end();
  }

  endAndWait(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A client that never reads must not keep the engine alive.
      setTimeout(() => this.socket.destroy(), 5000).unref();
    });
  }
}
