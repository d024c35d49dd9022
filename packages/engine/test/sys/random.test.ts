import { urandomBytes, urandomInt } from '../../src/sys/random';

describe('urandomBytes and urandomInt', () => {
  it('gives the asked number of bytes, different each time', () => {
    expect(urandomBytes(32)).toHaveLength(32);
    expect(urandomBytes(32).equals(urandomBytes(32))).toBe(false);
  });

  it('stays in [0, n) and reaches every value of a small range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const v = urandomInt(5);
      expect(v >= 0 && v < 5 && Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws again above the largest multiple of n (no modulo bias)', () => {
    // 2**32 % 3 === 1: the draw 0xffffffff lies above the limit and is refused.
    const draws = [Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0, 0, 0, 7])];
    let calls = 0;
    expect(urandomInt(3, () => draws[calls++])).toBe(7 % 3);
    expect(calls).toBe(2);
  });

  it('refuses ranges it cannot serve', () => {
    expect(() => urandomInt(0)).toThrow(RangeError);
    expect(() => urandomInt(1.5)).toThrow(RangeError);
    expect(() => urandomInt(2 ** 32 + 1)).toThrow(RangeError);
  });
});
