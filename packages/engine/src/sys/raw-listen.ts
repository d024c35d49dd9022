/**
 * A listening Unix socket on libuv's pipe handle (`process.binding('pipe_wrap')`), the layer under
 * net.Server: for the engine's control socket. net.Server#listen loads node:cluster and with it
 * child_process and dgram (~3-4 ms before the first connection can be taken, and their memory for
 * as long as the container runs); this binds and listens in ~0.2 ms. Accepted connections are
 * ordinary net.Sockets. Where the binding is not what this expects, rawListenerSupported() is
 * false and the caller uses net.Server.
 */
import * as net from 'node:net';
import { getSystemErrorName } from 'node:util';

interface PipeHandle {
  readonly fd: number;
  onconnection: ((status: number, client?: object) => void) | null;
  bind(name: string): number;
  open(fd: number): number;
  listen(backlog: number): number;
  close(callback?: () => void): void;
}
type PipeConstructor = new (type: number) => PipeHandle;

let pipeServer: { Pipe: PipeConstructor; type: number } | null | undefined;

function pipeBinding(): { Pipe: PipeConstructor; type: number } | null {
  if (pipeServer !== undefined) return pipeServer;
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding('pipe_wrap') as { Pipe?: unknown; constants?: { SERVER?: unknown } };
    const proto = typeof binding.Pipe === 'function' ? (binding.Pipe as { prototype: Record<string, unknown> }).prototype : undefined;
    const ok = proto && ['bind', 'open', 'listen', 'close'].every((m) => typeof proto[m] === 'function') && typeof binding.constants?.SERVER === 'number';
    pipeServer = ok ? { Pipe: binding.Pipe as PipeConstructor, type: binding.constants!.SERVER as number } : null;
  } catch {
    pipeServer = null;
  }
  return pipeServer;
}

export function rawListenerSupported(): boolean {
  return pipeBinding() !== null;
}

export interface RawListener {
  /** The listening socket's descriptor. */
  readonly fd: number;
  close(): void;
}

const BACKLOG = 511; // net.Server's default

function check(what: string, rc: number): void {
  if (rc < 0) {
    const code = getSystemErrorName(rc);
    throw Object.assign(new Error(`${what}: ${code}`), { code, errno: rc });
  }
}

function serve(handle: PipeHandle, onSocket: (socket: net.Socket) => void): RawListener {
  handle.onconnection = (status, client) => {
    if (status < 0 || !client) return; // a failed accept (EMFILE ...): the client sees its connection end
    onSocket(new net.Socket({ handle: client, readable: true, writable: true } as net.SocketConstructorOpts));
  };
  return { fd: handle.fd, close: () => handle.close() };
}

/** Binds `name` (a path; relative to the working directory) and listens; throws at once on failure. */
export function listenRaw(name: string, onSocket: (socket: net.Socket) => void): RawListener {
  const binding = pipeBinding();
  if (!binding) throw new Error('pipe_wrap is not as expected');
  const handle = new binding.Pipe(binding.type);
  try {
    check(`listen ${name}`, handle.bind(name));
    check(`listen ${name}`, handle.listen(BACKLOG));
  } catch (err) {
    handle.close();
    throw err;
  }
  return serve(handle, onSocket);
}

/** Listens on an inherited, already bound socket (the monitor after the engine's execve). */
export function adoptRaw(fd: number, onSocket: (socket: net.Socket) => void): RawListener {
  const binding = pipeBinding();
  if (!binding) throw new Error('pipe_wrap is not as expected');
  const handle = new binding.Pipe(binding.type);
  try {
    check(`listen on fd ${fd}`, handle.open(fd));
    check(`listen on fd ${fd}`, handle.listen(BACKLOG));
  } catch (err) {
    handle.close();
    throw err;
  }
  return serve(handle, onSocket);
}
