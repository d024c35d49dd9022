import { entryComponents, isContentsOnly, parseCopyEndpoint, placeEntry, planCopyDirection, planPlacement, sourceName } from '@tsctr/engine/runtime/copy/copy-plan';

describe('cp argument parsing', () => {
  it('tells container paths from host paths and streams', () => {
    expect(parseCopyEndpoint('box:/etc')).toEqual({ kind: 'container', container: 'box', path: '/etc' });
    expect(parseCopyEndpoint('box:')).toEqual({ kind: 'container', container: 'box', path: '/' });
    expect(parseCopyEndpoint('./a:b')).toEqual({ kind: 'host', path: './a:b' });
    expect(parseCopyEndpoint('/abs:x')).toEqual({ kind: 'host', path: '/abs:x' });
    expect(parseCopyEndpoint('dir/a:b')).toEqual({ kind: 'host', path: 'dir/a:b' });
    expect(parseCopyEndpoint('-')).toEqual({ kind: 'stream' });
  });

  it('needs exactly one container side', () => {
    expect(planCopyDirection('box:/a', './b')).toMatchObject({ direction: 'out', container: 'box', src: '/a' });
    expect(planCopyDirection('-', 'box:/d')).toMatchObject({ direction: 'in', container: 'box', dst: '/d', src: { kind: 'stream' } });
    expect(() => planCopyDirection('a', 'b')).toThrow(/CONTAINER:PATH/);
    expect(() => planCopyDirection('x:/a', 'y:/b')).toThrow(/between containers/);
    expect(() => planCopyDirection('-', '-')).toThrow();
  });

  it('names the source and detects DIR/.', () => {
    expect(sourceName('/etc/')).toBe('etc');
    expect(sourceName('/')).toBe('rootfs');
    expect(isContentsOnly('/etc/.')).toBe(true);
    expect(isContentsOnly('/etc/./')).toBe(true);
    expect(isContentsOnly('.')).toBe(true);
    expect(isContentsOnly('/etc')).toBe(false);
  });
});

describe('planPlacement (docker cp rules)', () => {
  const base = { srcIsDir: false, srcName: 'f', contentsOnly: false, parentKind: 'directory' as const };
  it('puts a file into an existing directory, or at a new name', () => {
    expect(planPlacement({ ...base, dst: '/tmp', kind: 'directory' })).toEqual({ dir: '/tmp', mode: 'rename', name: 'f' });
    expect(planPlacement({ ...base, dst: '/tmp/new', kind: 'missing' })).toEqual({ dir: '/tmp', mode: 'rename', name: 'new' });
    expect(planPlacement({ ...base, dst: '/tmp/old', kind: 'file' })).toEqual({ dir: '/tmp', mode: 'rename', name: 'old' });
  });
  it('refuses what docker refuses', () => {
    expect(() => planPlacement({ ...base, dst: '/nope/', kind: 'missing' })).toThrow(/does not exist/);
    expect(() => planPlacement({ ...base, dst: '/f/', kind: 'file' })).toThrow(/not a directory/);
    expect(() => planPlacement({ ...base, srcIsDir: true, dst: '/f', kind: 'file' })).toThrow(/directory to the file/);
    expect(() => planPlacement({ ...base, dst: '/a/b', kind: 'missing', parentKind: 'missing' })).toThrow(/parent directory/);
  });
  it('copies a directory\'s contents for DIR/.', () => {
    expect(planPlacement({ ...base, srcIsDir: true, contentsOnly: true, dst: '/d/', kind: 'directory' })).toEqual({ dir: '/d', mode: 'contents' });
    expect(planPlacement({ ...base, srcIsDir: true, dst: '/d', kind: 'directory' })).toEqual({ dir: '/d', mode: 'rename', name: 'f' });
  });
});

describe('placeEntry', () => {
  it('renames the top entry, strips it, or keeps names', () => {
    expect(placeEntry('src/a/b', { dir: '/d', mode: 'rename', name: 'new' }, 'src')).toBe('/d/new/a/b');
    expect(placeEntry('src', { dir: '/d', mode: 'contents' }, 'src')).toBeNull();
    expect(placeEntry('./src/a', { dir: '/d', mode: 'contents' }, 'src')).toBe('/d/a');
    expect(placeEntry('x/y', { dir: '.', mode: 'as-is' }, 'x')).toBe('x/y');
  });
  it('refuses names that climb or are absolute or outside the top', () => {
    expect(() => entryComponents('../x')).toThrow(/\.\./);
    expect(() => entryComponents('/etc/passwd')).toThrow(/absolute/);
    expect(() => placeEntry('other/x', { dir: '/d', mode: 'rename', name: 'n' }, 'src')).toThrow(/not inside/);
  });
});
