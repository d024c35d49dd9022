import { resolveScoped, type ScopedIo } from '@tsctr/engine/runtime/engine/scoped-path';
import type { EntryKind } from '@tsctr/engine/runtime/engine/safe-path';

/** A fake rootfs at /r: entries by host path; symlinks by their target. */
function fakeIo(entries: Record<string, EntryKind | { link: string }>): ScopedIo {
  return {
    lstat: (p) => {
      const e = entries[p];
      return e === undefined ? 'missing' : typeof e === 'string' ? e : 'symlink';
    },
    readlink: (p) => (entries[p] as { link: string }).link,
  };
}

describe('resolveScoped', () => {
  it('a plain path stays as it is (missing tails included)', () => {
    expect(resolveScoped('/r', '/a/b/c', fakeIo({ '/r/a': 'directory' }))).toBe('/a/b/c');
  });

  it('an absolute symlink is followed from the container root, never the host root', () => {
    const io = fakeIo({ '/r/data': { link: '/etc' }, '/r/etc': 'directory' });
    expect(resolveScoped('/r', '/data', io)).toBe('/etc');
    expect(resolveScoped('/r', '/data/sub', io)).toBe('/etc/sub');
  });

  it('".." in a link target cannot climb above the container root', () => {
    const io = fakeIo({ '/r/up': { link: '../../../../../tmp' }, '/r/a': 'directory', '/r/a/rel': { link: '../../..' } });
    expect(resolveScoped('/r', '/up/x', io)).toBe('/tmp/x');
    expect(resolveScoped('/r', '/a/rel/etc', io)).toBe('/etc');
  });

  it('relative links resolve against their directory, chains are followed', () => {
    const io = fakeIo({ '/r/var': 'directory', '/r/var/run': { link: '../run' }, '/r/run': { link: 'srv' }, '/r/srv': 'directory' });
    expect(resolveScoped('/r', '/var/run/sock', io)).toBe('/srv/sock');
  });

  it('a symlink loop is an error', () => {
    const io = fakeIo({ '/r/a': { link: '/b' }, '/r/b': { link: '/a' } });
    expect(() => resolveScoped('/r', '/a', io)).toThrow(/too many levels of symbolic links/);
  });
});
