/**
 * Client side of the engine's control socket (RR/containers/<id>/ctl.sock): connecting, and one
 * request answered by one reply. Framing is in ../control-protocol.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { errnoCode } from '../../errors';
import type { StorePaths } from '../../storage/paths';
import { Frame, FrameDecoder, encodeFrame, parseJsonPayload, type ControlReply, type ControlRequest } from '../control-protocol';
import { controlSocketPath } from './layout';

/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Connects to a unix socket. A path too long for sun_path is reached through /proc/self/fd/N of its
 * directory (long --runroot paths plus the 64-hex id can exceed the limit).
 */
export async function connectUnixSocket(socketPath: string): Promise<net.Socket> {
  if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH) return connectPath(socketPath);
  const dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    return await connectPath(`/proc/self/fd/${dirFd}/${path.basename(socketPath)}`);
  } finally {
    fs.closeSync(dirFd);
  }
}

function connectPath(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Connects to a container's engine; a missing or refusing socket means the engine is not running. */
export async function connectToEngine(p: StorePaths, id: string): Promise<net.Socket> {
  try {
    return await connectUnixSocket(controlSocketPath(p, id));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ECONNREFUSED') {
      throw new TsctrError(`container ${id} has no running engine (its control socket does not answer)`, 125, { cause: err });
    }
    throw err;
  }
}

/** Sends one request on a fresh connection and returns the engine's reply (ok: false becomes a TsctrError). */
export async function requestEngine(p: StorePaths, id: string, request: ControlRequest): Promise<ControlReply> {
  const socket = await connectToEngine(p, id);
  try {
    const reply = await new Promise<ControlReply>((resolve, reject) => {
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          if (frame.type === Frame.Reply) resolve(parseJsonPayload<ControlReply>(frame));
        }
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new TsctrError(`the engine of container ${id} closed the connection before answering "${request.op}"`)));
      socket.write(encodeFrame(Frame.Request, request));
    });
    if (!reply.ok) throw new TsctrError(reply.error ?? `the engine of container ${id} refused "${request.op}"`, reply.exitCode ?? 125);
    return reply;
  } finally {
    socket.destroy();
  }
}
