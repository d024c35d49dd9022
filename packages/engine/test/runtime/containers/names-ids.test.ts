import { generateContainerName, validateContainerName } from '../../../src/runtime/containers/names';
import { isFullContainerId, newContainerId, shortId } from '../../../src/runtime/containers/ids';

describe('container names', () => {
  it.each(['web', 'a', 'my_app.1-x', '0abc'])('accepts %s', (name) => {
    expect(() => validateContainerName(name)).not.toThrow();
  });

  it.each(['', '-x', '_x', 'has space', 'ü', 'a/b'])('refuses %p with the rule in the message', (name) => {
    expect(() => validateContainerName(name)).toThrow(/must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*/);
  });

  it('generates adjective_surname names that are valid', () => {
    const name = generateContainerName(new Set());
    expect(name).toMatch(/^[a-z]+_[a-z]+$/);
    expect(() => validateContainerName(name)).not.toThrow();
  });

  it('never returns a taken name, appending a number after repeated collisions', () => {
    const pickFirst = (): number => 0;
    const base = generateContainerName(new Set(), pickFirst);
    const next = generateContainerName(new Set([base]), pickFirst);
    expect(next).not.toBe(base);
    expect(next.startsWith(base)).toBe(true);
  });
});

describe('container ids', () => {
  it('are 64 hex digits', () => {
    const id = newContainerId();
    expect(isFullContainerId(id)).toBe(true);
    expect(shortId(id)).toBe(id.slice(0, 12));
  });

  it('are drawn again when the short id would be all digits', () => {
    const draws = [Buffer.alloc(32, 0x11), Buffer.alloc(32, 0xab)];
    const id = newContainerId(() => draws.shift() as Buffer);
    expect(id).toBe('ab'.repeat(32));
  });
});
