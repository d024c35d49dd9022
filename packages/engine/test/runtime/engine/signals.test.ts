import { signalNumber } from '../../../src/runtime/engine/signals';

describe('signalNumber', () => {
  it.each([['SIGTERM', 15], ['TERM', 15], ['kill', 9], ['9', 9], [2, 2], ['SIGRTMIN+2', 36], ['RTMAX', 64]])('%s -> %d', (spec, n) => {
    expect(signalNumber(spec)).toBe(n);
  });
  it('refuses unknown names and out-of-range numbers', () => {
    expect(() => signalNumber('SIGNOPE')).toThrow(/unknown signal "SIGNOPE"/);
    expect(() => signalNumber('0')).toThrow(/invalid signal number/);
    expect(() => signalNumber(65)).toThrow(/invalid signal number/);
  });
});
