/**
 * Framing on the engine's control socket (RR/containers/<id>/ctl.sock). Every message is
 * [type: u8][length: u32 BE][payload]. JSON payloads are UTF-8. See docs/control-protocol.md.
 */
import type { ContainerState } from './container-types';

export enum Frame {
  /** client -> engine: JSON ControlRequest. */
  Request = 0x01,
  /** client -> engine: bytes for the payload's stdin. */
  Stdin = 0x02,
  /** client -> engine: stdin reached EOF. */
  StdinEof = 0x03,
  /** client -> engine: JSON {rows, cols}. */
  Resize = 0x04,
  /** engine -> client: JSON ControlReply to the request. */
  Reply = 0x10,
  /** engine -> client: payload stdout bytes (all output when a tty is used). */
  Stdout = 0x11,
  /** engine -> client: payload stderr bytes. */
  Stderr = 0x12,
  /** engine -> client: JSON ExitReport, last frame of an attach. */
  Exit = 0x13,
}

export type ControlRequest =
  | { readonly op: 'attach'; readonly stdin: boolean }
  | { readonly op: 'start' }
  | { readonly op: 'kill'; readonly signal: string }
  | { readonly op: 'stop'; readonly timeout: number }
  | { readonly op: 'state' }
  | ({ readonly op: 'exec' } & ExecSpec)
  | { readonly op: 'copy-out'; readonly path: string }
  | ({ readonly op: 'copy-in' } & CopyInSpec);

/** `exec`: a new process in the running container, streamed to the requesting client only. */
export interface ExecSpec {
  readonly argv: readonly string[];
  /** KEY=VALUE entries over the container's environment (later wins). */
  readonly env?: readonly string[];
  /** user[:group]; default the container's user. */
  readonly user?: string;
  /** Absolute working directory; default the container's. */
  readonly workdir?: string;
  readonly privileged?: boolean;
  /** A pty of the container's devpts as the process's controlling terminal. */
  readonly tty?: boolean;
  /** The client's Stdin/StdinEof frames go to the process (else stdin is /dev/null). */
  readonly stdin?: boolean;
  /** Reply once the process runs; no output, no Exit frame. */
  readonly detach?: boolean;
}

/** `copy-in`: a tar stream (Stdin frames, then StdinEof) unpacked at `path` in the container. */
export interface CopyInSpec {
  /** Destination as typed (a trailing "/" means "must be a directory"). */
  readonly path: string;
  /** The source was `DIR/.`: its contents go into the destination directory. */
  readonly contentsOnly?: boolean;
  /** Keep the archive's uid/gid (-a); otherwise everything belongs to the container's root. */
  readonly keepOwners?: boolean;
  /** The stream is a user's archive (`cp - CTR:DIR`): entries go into the existing directory as named. */
  readonly fromArchive?: boolean;
}

export interface ControlReply {
  readonly ok: boolean;
  readonly error?: string;
  readonly exitCode?: number;
  /** Reply to `state`: the engine's current view of the container. */
  readonly state?: ContainerState;
}

export interface ExitReport {
  readonly exitCode: number;
  readonly signal?: number;
  readonly oomKilled?: boolean;
  /** Set when the engine, not the payload, failed (exitCode 125/126/127). */
  readonly error?: string;
}

export interface DecodedFrame {
  readonly type: number;
  readonly payload: Buffer;
}

export function encodeFrame(type: Frame, payload: Buffer | string | object): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(5);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Incremental decoder: feed chunks, get whole frames. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): DecodedFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: DecodedFrame[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      frames.push({ type: this.pending.readUInt8(0), payload: this.pending.subarray(5, 5 + length) });
      this.pending = this.pending.subarray(5 + length);
    }
    return frames;
  }
}

export function parseJsonPayload<T>(frame: DecodedFrame): T {
  return JSON.parse(frame.payload.toString('utf8')) as T;
}
