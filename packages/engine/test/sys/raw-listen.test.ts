import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { listenRaw, rawListenerSupported } from '../../src/sys/raw-listen';

describe('listenRaw', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raw-listen-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is supported by this Node', () => {
    expect(rawListenerSupported()).toBe(true);
  });

  it('binds and listens before it returns; each connection becomes a net.Socket that talks both ways', async () => {
    const file = path.join(dir, 'ctl.sock');
    const accepted: net.Socket[] = [];
    const listener = listenRaw(file, (socket) => {
      accepted.push(socket);
      socket.on('data', (b: Buffer) => socket.write(`echo ${b.toString()}`));
    });
    try {
      expect(fs.statSync(file).isSocket()).toBe(true);
      expect(listener.fd).toBeGreaterThan(2);
      const replies = await Promise.all(['a', 'b'].map((word) => new Promise<string>((resolve, reject) => {
        const client = net.connect(file, () => client.write(word));
        client.once('data', (b: Buffer) => {
          resolve(b.toString());
          client.destroy();
        });
        client.once('error', reject);
      })));
      expect(replies.sort()).toEqual(['echo a', 'echo b']);
      expect(accepted).toHaveLength(2);
      expect(accepted.every((s) => s instanceof net.Socket)).toBe(true);
    } finally {
      for (const s of accepted) s.destroy();
      listener.close();
    }
    // libuv removes the path it bound when the handle closes.
    await new Promise((r) => setTimeout(r, 10));
    expect(fs.existsSync(file)).toBe(false);
  });

  it('throws at once, naming the path and the error, when the path is taken or its directory missing', () => {
    const file = path.join(dir, 'taken');
    fs.writeFileSync(file, '');
    expect(() => listenRaw(file, () => undefined)).toThrow(expect.objectContaining({ code: 'EADDRINUSE', message: `listen ${file}: EADDRINUSE` }));
    // libuv reports a missing directory as EACCES (as on Windows).
    expect(() => listenRaw(path.join(dir, 'missing', 'ctl.sock'), () => undefined)).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });
});
