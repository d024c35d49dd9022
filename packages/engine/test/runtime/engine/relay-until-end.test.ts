import { PassThrough } from 'node:stream';
import { relayUntilEnd } from '../../../src/runtime/engine/stdio';

describe('relayUntilEnd', () => {
  it('passes the chunks on and resolves at the end', async () => {
    const s = new PassThrough();
    const got: string[] = [];
    const done = relayUntilEnd(s, (c) => got.push(c.toString()));
    s.write('a');
    s.end('b');
    await done;
    expect(got.join('')).toBe('ab');
  });

  it('resolves for a stream that ended and closed before anyone read it (held output of a silent payload)', async () => {
    const s = new PassThrough();
    s.end();
    s.resume();
    await new Promise((r) => s.once('close', r));
    let settled = false;
    const done = relayUntilEnd(s, () => undefined).then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
    await done;
  });

  it('still delivers what was buffered before the relay began', async () => {
    const s = new PassThrough();
    s.end('held');
    const got: string[] = [];
    await relayUntilEnd(s, (c) => got.push(c.toString()));
    expect(got).toEqual(['held']);
  });
});
