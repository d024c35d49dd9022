import { DetachKeyMatcher, parseDetachKeys } from '../../../src/runtime/containers/detach-keys';

describe('parseDetachKeys', () => {
  it('turns ctrl-p,ctrl-q into 0x10 0x11', () => {
    expect([...parseDetachKeys('ctrl-p,ctrl-q')]).toEqual([0x10, 0x11]);
  });
  it('accepts plain characters and ctrl-[ style keys', () => {
    expect([...parseDetachKeys('a,ctrl-[,ctrl-_')]).toEqual([0x61, 0x1b, 0x1f]);
  });
  it('"" disables detaching', () => {
    expect(parseDetachKeys('').length).toBe(0);
  });
  it.each(['ctrl-', 'ctrl-1', 'ab', 'ctrl-p,,'])('refuses %p naming the key', (spec) => {
    expect(() => parseDetachKeys(spec)).toThrow(/invalid --detach-keys/);
  });
});

describe('DetachKeyMatcher', () => {
  const keys = Buffer.from([0x10, 0x11]);
  it('forwards ordinary input unchanged', () => {
    expect(new DetachKeyMatcher(keys).feed(Buffer.from('ls\r'))).toEqual({ forward: Buffer.from('ls\r'), detach: false });
  });
  it('detects the sequence split across chunks and forwards what came before it', () => {
    const m = new DetachKeyMatcher(keys);
    expect(m.feed(Buffer.from([0x61, 0x10]))).toEqual({ forward: Buffer.from([0x61]), detach: false });
    expect(m.feed(Buffer.from([0x11])).detach).toBe(true);
  });
  it('releases a held prefix when the sequence does not complete', () => {
    const m = new DetachKeyMatcher(keys);
    expect(m.feed(Buffer.from([0x10])).forward.length).toBe(0);
    expect([...m.feed(Buffer.from([0x62])).forward]).toEqual([0x10, 0x62]);
  });
  it('handles a repeated first key (ctrl-p ctrl-p ctrl-q)', () => {
    const m = new DetachKeyMatcher(keys);
    const r = m.feed(Buffer.from([0x10, 0x10, 0x11]));
    expect(r.detach).toBe(true);
    expect([...r.forward]).toEqual([0x10]);
  });
  it('never detaches with no keys', () => {
    expect(new DetachKeyMatcher(Buffer.alloc(0)).feed(Buffer.from([0x10, 0x11])).detach).toBe(false);
  });
});
