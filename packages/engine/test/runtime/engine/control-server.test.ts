import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlServer, listenEarly, type ControlClient, type ControlHandler } from '../../../src/runtime/engine/control-server';
import { Frame, FrameDecoder, encodeFrame, type ControlReply, type ControlRequest, type DecodedFrame } from '../../../src/runtime/control-protocol';

class FakeHandler implements ControlHandler {
  readonly requests: ControlRequest[] = [];
  readonly stdinData: string[] = [];
  eofs = 0;
  readonly sizes: Array<[number, number]> = [];
  async request(client: ControlClient, request: ControlRequest): Promise<ControlReply> {
    this.requests.push(request);
    if (request.op === 'attach') {
      client.attached = true;
      client.stdin = request.stdin;
    }
    return request.op === 'kill' ? { ok: false, error: 'the container is not running' } : { ok: true };
  }
  stdin(_c: ControlClient, data: Buffer): void {
    this.stdinData.push(data.toString());
  }
  stdinEof(): void {
    this.eofs++;
  }
  resize(rows: number, cols: number): void {
    this.sizes.push([rows, cols]);
  }
  disconnected(): void {}
}

function connect(socketPath: string): Promise<{ socket: net.Socket; frames: DecodedFrame[]; next: (n: number) => Promise<DecodedFrame[]> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath, () => {
      const frames: DecodedFrame[] = [];
      const decoder = new FrameDecoder();
      let waiter: (() => void) | undefined;
      socket.on('data', (chunk: Buffer) => {
        frames.push(...decoder.push(chunk));
        waiter?.();
      });
      const next = (n: number): Promise<DecodedFrame[]> =>
        new Promise((res) => {
          const check = (): void => {
            if (frames.length >= n) res(frames.slice(0, n));
          };
          waiter = check;
          check();
        });
      resolve({ socket, frames, next });
    });
    socket.on('error', reject);
  });
}

describe('ControlServer', () => {
  let dir: string;
  let server: ControlServer;
  let handler: FakeHandler;
  let socketPath: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-'));
    socketPath = path.join(dir, 'run', 'ctl.sock');
    handler = new FakeHandler();
    server = new ControlServer(socketPath, handler);
    await server.listen();
  });
  afterEach(async () => {
    await server.finish({ exitCode: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the socket with mode 0600', () => {
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
  });

  it('replies to requests and passes stdin, EOF and resize to the handler of an attached client', async () => {
    const c = await connect(socketPath);
    c.socket.write(encodeFrame(Frame.Request, { op: 'attach', stdin: true }));
    const [reply] = await c.next(1);
    expect(reply?.type).toBe(Frame.Reply);
    expect(JSON.parse(reply!.payload.toString())).toEqual({ ok: true });
    c.socket.write(Buffer.concat([encodeFrame(Frame.Stdin, 'abc'), encodeFrame(Frame.StdinEof, ''), encodeFrame(Frame.Resize, { rows: 24, cols: 80 }), encodeFrame(Frame.Request, { op: 'kill', signal: 'TERM' })]));
    const frames = await c.next(2);
    expect(JSON.parse(frames[1]!.payload.toString())).toEqual({ ok: false, error: 'the container is not running' });
    expect(handler.stdinData).toEqual(['abc']);
    expect(handler.eofs).toBe(1);
    expect(handler.sizes).toEqual([[24, 80]]);
    c.socket.destroy();
  });

  it('drops stdin from clients that did not attach with stdin', async () => {
    const c = await connect(socketPath);
    c.socket.write(Buffer.concat([encodeFrame(Frame.Stdin, 'ignored'), encodeFrame(Frame.Request, { op: 'state' })]));
    await c.next(1);
    expect(handler.stdinData).toEqual([]);
    c.socket.destroy();
  });

  it('sends output only to attached clients and the Exit frame last', async () => {
    const attached = await connect(socketPath);
    const other = await connect(socketPath);
    attached.socket.write(encodeFrame(Frame.Request, { op: 'attach', stdin: false }));
    other.socket.write(encodeFrame(Frame.Request, { op: 'state' }));
    await attached.next(1);
    await other.next(1);
    server.broadcast(Frame.Stdout, 'out');
    server.broadcast(Frame.Stderr, 'err');
    const closed = new Promise((resolve) => attached.socket.on('close', resolve));
    attached.socket.on('end', () => attached.socket.end());
    other.socket.on('end', () => other.socket.end());
    await server.finish({ exitCode: 3 });
    await closed;
    expect(attached.frames.map((f) => f.type)).toEqual([Frame.Reply, Frame.Stdout, Frame.Stderr, Frame.Exit]);
    expect(JSON.parse(attached.frames[3]!.payload.toString())).toEqual({ exitCode: 3 });
    expect(other.frames.map((f) => f.type)).toEqual([Frame.Reply]);
    expect(fs.existsSync(socketPath)).toBe(false);
  });

  it('answers a malformed request with an error reply', async () => {
    const c = await connect(socketPath);
    c.socket.write(encodeFrame(Frame.Request, 'not json'));
    const [reply] = await c.next(1);
    expect(JSON.parse(reply!.payload.toString())).toEqual({ ok: false, error: 'request is not valid JSON' });
    c.socket.destroy();
  });
});

describe('a control socket bound before the engine has its container (listenEarly)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-early-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is bound when listenEarly returns, restoring the working directory and umask at once', async () => {
    const socketPath = path.join(dir, 'run', 'ctl.sock');
    const cwd = process.cwd();
    const mask = process.umask();
    const early = listenEarly(socketPath);
    expect(early).toBeDefined();
    expect(fs.statSync(socketPath).isSocket()).toBe(true);
    expect(process.cwd()).toBe(cwd);
    expect(process.umask()).toBe(mask);
    await early!.listening;
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    early!.server.serve(new FakeHandler());
    await early!.server.finish({ exitCode: 0 });
  });

  it('keeps what clients send before serve() and answers it once the handler is there', async () => {
    const socketPath = path.join(dir, 'ctl.sock');
    const early = listenEarly(socketPath)!;
    await early.listening;
    const c = await connect(socketPath);
    c.socket.write(encodeFrame(Frame.Request, { op: 'state' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(c.frames).toEqual([]);
    const handler = new FakeHandler();
    early.server.serve(handler);
    const [reply] = await c.next(1);
    expect(JSON.parse(reply!.payload.toString())).toEqual({ ok: true });
    expect(handler.requests).toEqual([{ op: 'state' }]);
    c.socket.destroy();
    await early.server.finish({ exitCode: 0 });
  });

  it('returns undefined when the socket cannot be made (the engine then listens where it always did)', () => {
    const notDir = path.join(dir, 'file');
    fs.writeFileSync(notDir, '');
    expect(listenEarly(path.join(notDir, 'ctl.sock'))).toBeUndefined();
    fs.mkdirSync(path.join(dir, 'ctl.sock'));
    expect(listenEarly(path.join(dir, 'ctl.sock'))).toBeUndefined();
  });
});
