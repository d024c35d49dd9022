/**
 * The engine's control socket (docs/control-protocol.md): framed requests in, replies and output
 * frames out. Knows the framing and the per-connection bookkeeping; the engine decides what each
 * request does (ControlHandler).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { adoptRaw, listenRaw, rawListenerSupported, type RawListener } from '../../sys/raw-listen';
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

/** A control socket bound before the engine had its container (engine-main.ts), with the outcome of its listen. */
export interface EarlyControl {
  readonly server: ControlServer;
  readonly listening: Promise<void>;
}

/**
 * Binds the control socket now; connections wait until the engine serves them. Undefined when
 * that fails at once: the engine then listens (and reports the failure) where it always did.
 */
export function listenEarly(socketPath: string): EarlyControl | undefined {
  const server = new ControlServer(socketPath);
  try {
    const listening = server.listen();
    // Awaited by the engine later: a failure meanwhile is no unhandled rejection.
    listening.catch(() => undefined);
    return { server, listening };
  } catch {
    return undefined;
  }
}

export class ControlServer {
  /** The listening socket: libuv's pipe handle directly (sys/raw-listen.ts), else a net.Server. */
  private raw: RawListener | undefined;
  private server: net.Server | undefined;
  readonly clients = new Set<ControlClient>();
  /** Connections made before serve(): their data waits in the socket until there is a handler. */
  private parked: net.Socket[] | undefined;

  /** Without a handler (an engine listening before its record is read): connections wait for serve(). */
  constructor(private readonly socketPath: string, private handler?: ControlHandler) {
    if (!handler) this.parked = [];
  }

  private readonly connected = (socket: net.Socket): void => {
    if (this.parked) {
      socket.pause();
      this.parked.push(socket);
    } else {
      this.accept(socket);
    }
  };

  /** Serves the connections made so far and every later one with `handler`. */
  serve(handler: ControlHandler): void {
    this.handler = handler;
    const parked = this.parked ?? [];
    this.parked = undefined;
    for (const socket of parked) {
      this.accept(socket);
      socket.resume();
    }
  }

  /**
   * Listens on the socket path, mode 0600. The path is bound relative to its directory because
   * sun_path holds only 107 bytes and run roots can be deep. The socket is bound before this
   * returns (the promise reports the outcome; a failure the raw listener sees is thrown at once):
   * the working directory and umask it changes for that are restored at once.
   */
  listen(): Promise<void> {
    const dir = path.dirname(this.socketPath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeSocketFile(this.socketPath);
    const name = path.basename(this.socketPath);
    let listening: Promise<void> = Promise.resolve();
    const cwd = process.cwd();
    process.chdir(dir);
    const oldMask = process.umask(0o177);
    try {
      if (rawListenerSupported()) {
        this.raw = listenRaw(name, this.connected);
      } else {
        const server = net.createServer(this.connected);
        this.server = server;
        listening = new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.once('listening', () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.listen(name);
      }
    } finally {
      process.umask(oldMask);
      process.chdir(cwd);
    }
    return listening.then(() => fs.chmodSync(this.socketPath, 0o600));
  }

  /** The listening socket's descriptor (for a monitor that takes it over, monitor-handoff.ts). */
  get listeningFd(): number | undefined {
    const fd = this.raw ? this.raw.fd : (this.server as unknown as { _handle?: { fd?: unknown } } | undefined)?._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : undefined;
  }

  /** Serves on an inherited listening socket (the monitor after the engine's execve). */
  adopt(fd: number): void {
    if (rawListenerSupported()) {
      this.raw = adoptRaw(fd, this.connected);
    } else {
      this.server = net.createServer(this.connected);
      this.server.listen({ fd });
    }
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
    this.raw?.close();
    this.server?.close();
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
      this.handler?.disconnected(client);
    });
  }

  private dispatch(client: Connection, type: number, payload: Buffer): void {
    const handler = this.handler;
    if (!handler) return; // accept() runs only once there is one
    switch (type) {
      case Frame.Request: {
        let request: ControlRequest;
        try {
          request = parseJsonPayload<ControlRequest>({ type, payload });
        } catch {
          client.send(Frame.Reply, { ok: false, error: 'request is not valid JSON' } satisfies ControlReply);
          return;
        }
        handler.request(client, request).then(
          (reply) => client.send(Frame.Reply, reply),
          (err: Error) => client.send(Frame.Reply, { ok: false, error: err.message } satisfies ControlReply),
        );
        return;
      }
      case Frame.Stdin:
        if (client.stdin) handler.stdin(client, payload);
        return;
      case Frame.StdinEof:
        if (client.stdin) handler.stdinEof(client);
        return;
      case Frame.Resize: {
        try {
          const { rows, cols } = parseJsonPayload<{ rows: number; cols: number }>({ type, payload });
          if (Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0) handler.resize(rows, cols, client);
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
