import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { extractLayer, extractLayerFile, OPAQUE_XATTR } from '../../src/storage/extract';
import { LayerEntryError, decodeXattrs, entryComponents, entryMetadata, whiteoutKind, xattrPolicy } from '../../src/storage/extract-plan';
import { lgetxattr } from '../../src/sys/libc';
import { buildTar, type TarSpec } from './tar-builder';

const isRoot = process.getuid?.() === 0;
const describeAsRoot = isRoot ? describe : describe.skip;

let base: string;
let target: string;
let outside: string;
beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-extract-'));
  target = path.join(base, 'target');
  outside = path.join(base, 'outside');
  fs.mkdirSync(target);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'victim'), 'original');
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

async function extract(entries: readonly TarSpec[]) {
  const data = await buildTar(entries);
  const warnings: string[] = [];
  const result = await extractLayer(Readable.from([data]), target, { onWarning: (w) => warnings.push(w) });
  return { data, result, warnings };
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function expectOutsideUntouched(): void {
  expect(fs.readdirSync(outside)).toEqual(['victim']);
  expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('original');
  expect(fs.readdirSync(base).sort()).toEqual(['outside', 'target']);
}

describe('extract-plan (pure)', () => {
  it('normalises names and refuses escapes', () => {
    expect(entryComponents('./a/b/')).toEqual(['a', 'b']);
    expect(entryComponents('a/./c/../b')).toEqual(['a', 'b']);
    expect(entryComponents('./')).toEqual([]);
    expect(() => entryComponents('../x')).toThrow(LayerEntryError);
    expect(() => entryComponents('a/../../x')).toThrow(/climbs out/);
    expect(() => entryComponents('/etc/x')).toThrow(/absolute/);
  });

  it('classifies whiteouts', () => {
    expect(whiteoutKind(['a', '.wh..wh..opq'])).toEqual({ kind: 'opaque', dir: ['a'] });
    expect(whiteoutKind(['a', '.wh.b'])).toEqual({ kind: 'whiteout', target: ['a', 'b'] });
    expect(whiteoutKind(['.wh..wh.plnk'])).toEqual({ kind: 'aufs-meta' });
    expect(whiteoutKind(['.wh...'])).toEqual({ kind: 'aufs-meta' });
    expect(whiteoutKind(['a', 'b'])).toEqual({ kind: 'none' });
  });

  it('decides xattr policies and decodes PAX xattrs', () => {
    expect(xattrPolicy('user.foo')).toBe('required');
    expect(xattrPolicy('user.overlay.redirect')).toBe('reserved');
    expect(xattrPolicy('security.capability')).toBe('best-effort');
    expect(xattrPolicy('trusted.x')).toBe('best-effort');
    const decoded = decodeXattrs({
      'SCHILY.xattr.user.a': 'text',
      'SCHILY.xattr.security.capability': 'bad\uFFFD',
      'LIBARCHIVE.xattr.user.b%20c': Buffer.from([0, 255, 1]).toString('base64'),
      path: 'ignored',
    });
    expect(decoded.xattrs).toEqual([
      { name: 'user.b c', value: Buffer.from([0, 255, 1]) },
      { name: 'user.a', value: Buffer.from('text') },
    ]);
    expect(decoded.lossy).toEqual(['security.capability']);
  });

  it('takes metadata from PAX records over ustar fields', () => {
    expect(entryMetadata({ name: 'x', mode: 0o104755, uid: 1, gid: 2, mtime: new Date(5000), pax: { uid: '300000', mtime: '12.5' } })).toEqual({
      uid: 300000,
      gid: 2,
      mode: 0o4755,
      mtime: 12.5,
      atime: 12.5,
    });
  });
});

describeAsRoot('extractLayer (runs as root so chown works)', () => {
  it('extracts files, dirs, owners, special modes, links, fifos, xattrs and mtimes; returns the diff id', async () => {
    const t1 = new Date(1_500_000_000_000);
    const t2 = new Date(1_400_000_000_000);
    const { data, result, warnings } = await extract([
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'etc/', type: 'directory', mode: 0o755, mtime: t2 },
      { name: 'etc/owned', content: 'owned by 101:102', uid: 101, gid: 102, mode: 0o640, mtime: t1 },
      { name: 'bin/', type: 'directory' },
      { name: 'bin/suid', content: '#!/bin/sh\n', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin/sgid-owned', content: 'x', mode: 0o2755, uid: 101, gid: 102 },
      { name: 'shared/', type: 'directory', mode: 0o2775, uid: 101, gid: 102 },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'empty/', type: 'directory', mode: 0o700, uid: 101, gid: 102 },
      { name: 'bin/hard', type: 'link', linkname: 'bin/suid' },
      { name: 'bin/sym', type: 'symlink', linkname: 'suid', uid: 101, gid: 102 },
      { name: 'dangling', type: 'symlink', linkname: '/does/not/exist' },
      { name: 'fifo', type: 'fifo', mode: 0o620, uid: 101 },
      { name: 'xattr-file', content: 'x', pax: { 'SCHILY.xattr.user.comment': 'hello', 'SCHILY.xattr.user.overlay.redirect': '/etc' } },
      { name: 'dev/', type: 'directory' },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
    ]);
    expect(result.diffId).toBe(sha256(data));
    expect(result.size).toBe(data.length);

    const st = (p: string) => fs.lstatSync(path.join(target, p));
    expect(fs.readFileSync(path.join(target, 'etc/owned'), 'utf8')).toBe('owned by 101:102');
    expect([st('etc/owned').uid, st('etc/owned').gid, st('etc/owned').mode & 0o7777]).toEqual([101, 102, 0o640]);
    expect(st('bin/suid').mode & 0o7777).toBe(0o4755);
    expect([st('bin/sgid-owned').uid, st('bin/sgid-owned').mode & 0o7777]).toEqual([101, 0o2755]);
    expect([st('shared').uid, st('shared').gid, st('shared').mode & 0o7777]).toEqual([101, 102, 0o2775]);
    expect(st('tmp').mode & 0o7777).toBe(0o1777);
    expect(fs.readdirSync(path.join(target, 'empty'))).toEqual([]);
    expect([st('empty').uid, st('empty').mode & 0o7777]).toEqual([101, 0o700]);
    expect(st('bin/hard').ino).toBe(st('bin/suid').ino);
    expect(st('bin/suid').nlink).toBe(2);
    expect(st('bin/sym').isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(target, 'bin/sym'))).toBe('suid');
    expect([st('bin/sym').uid, st('bin/sym').gid]).toEqual([101, 102]);
    expect(fs.readlinkSync(path.join(target, 'dangling'))).toBe('/does/not/exist');
    expect(st('fifo').isFIFO()).toBe(true);
    expect([st('fifo').uid, st('fifo').mode & 0o7777]).toEqual([101, 0o620]);
    expect(lgetxattr(path.join(target, 'xattr-file'), 'user.comment')?.toString()).toBe('hello');
    expect(lgetxattr(path.join(target, 'xattr-file'), 'user.overlay.redirect')).toBeNull();
    expect(st('etc/owned').mtimeMs).toBe(t1.getTime());
    // etc/ got a child after its own entry: its mtime must still be the header's.
    expect(st('etc').mtimeMs).toBe(t2.getTime());
    expect(fs.existsSync(path.join(target, 'dev/null'))).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/user\.overlay\.redirect skipped/), expect.stringMatching(/dev\/null.*character-device 1:3 skipped/)]);
  });

  it('writes whiteouts as char 0:0 devices and opaque markers as user.overlay.opaque', async () => {
    await extract([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.removed', uid: 101, gid: 102 },
      { name: 'opaque/', type: 'directory', mode: 0o750 },
      { name: 'opaque/.wh..wh..opq' },
      { name: 'opaque/new', content: 'new' },
      { name: 'implicit/.wh..wh..opq' },
      { name: '.wh..wh.plnk/', type: 'directory' },
    ]);
    const wh = fs.lstatSync(path.join(target, 'etc/removed'));
    expect(wh.isCharacterDevice()).toBe(true);
    expect(wh.rdev).toBe(0);
    expect([wh.uid, wh.gid]).toEqual([101, 102]);
    expect(fs.existsSync(path.join(target, 'etc/.wh.removed'))).toBe(false);
    expect(lgetxattr(path.join(target, 'opaque'), OPAQUE_XATTR)?.toString()).toBe('y');
    expect(lgetxattr(path.join(target, 'implicit'), OPAQUE_XATTR)?.toString()).toBe('y');
    expect(fs.readdirSync(path.join(target, 'opaque'))).toEqual(['new']);
    expect(fs.lstatSync(path.join(target, 'opaque')).mode & 0o777).toBe(0o750);
    expect(fs.readdirSync(target).sort()).toEqual(['etc', 'implicit', 'opaque']);
  });

  it('replaces an earlier symlink instead of writing through it', async () => {
    await extract([
      { name: 'link', type: 'symlink', linkname: path.join(outside, 'victim') },
      { name: 'link', content: 'replaced' },
      { name: 'dirlink', type: 'symlink', linkname: outside },
      { name: 'dirlink/', type: 'directory', mode: 0o700 },
    ]);
    expect(fs.lstatSync(path.join(target, 'link')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(target, 'link'), 'utf8')).toBe('replaced');
    expect(fs.lstatSync(path.join(target, 'dirlink')).isDirectory()).toBe(true);
    expect(fs.statSync(outside).mode & 0o777).not.toBe(0o700);
    expectOutsideUntouched();
  });

  it('accepts .. that stays inside and a hardlink to a symlink', async () => {
    await extract([
      { name: 'a/', type: 'directory' },
      { name: 'a/../b', content: 'b' },
      { name: 's', type: 'symlink', linkname: outside },
      { name: 'h', type: 'link', linkname: 's' },
    ]);
    expect(fs.readFileSync(path.join(target, 'b'), 'utf8')).toBe('b');
    expect(fs.lstatSync(path.join(target, 'h')).isSymbolicLink()).toBe(true);
    expectOutsideUntouched();
  });

  it('extracts gzip and plain blob files and hashes the uncompressed stream', async () => {
    const tarData = await buildTar([{ name: 'f', content: 'x'.repeat(100000) }]);
    const gz = path.join(base, 'layer.tar.gz');
    fs.writeFileSync(gz, zlib.gzipSync(tarData));
    const result = await extractLayerFile(gz, target);
    expect(result.diffId).toBe(sha256(tarData));
    expect(fs.readFileSync(path.join(target, 'f'), 'utf8')).toBe('x'.repeat(100000));
    fs.unlinkSync(gz);
  });

  it('fails on a truncated tar', async () => {
    const tarData = await buildTar([{ name: 'f', content: 'y'.repeat(5000) }]);
    await expect(extractLayer(Readable.from([tarData.subarray(0, 2000)]), target)).rejects.toThrow();
  });

  describe('refuses malicious tars and writes nothing outside', () => {
    const cases: [string, TarSpec[], string][] = [
      ['traversal', [{ name: '../x', content: 'evil' }], '../x'],
      ['deep traversal', [{ name: 'a/../../outside/victim', content: 'evil' }], 'a/../../outside/victim'],
      ['absolute name', [{ name: '/etc/tsctr-evil', content: 'evil' }], '/etc/tsctr-evil'],
      ['write through a symlinked dir', [{ name: 'evil', type: 'symlink', linkname: '__OUTSIDE__' }, { name: 'evil/file', content: 'evil' }], 'evil/file'],
      ['dir through a symlinked dir', [{ name: 'evil', type: 'symlink', linkname: '__OUTSIDE__' }, { name: 'evil/sub/', type: 'directory' }], 'evil/sub/'],
      ['whiteout through a symlinked dir', [{ name: 'evil', type: 'symlink', linkname: '__OUTSIDE__' }, { name: 'evil/.wh.victim' }], 'evil/.wh.victim'],
      ['opaque through a symlinked dir', [{ name: 'evil', type: 'symlink', linkname: '__OUTSIDE__' }, { name: 'evil/.wh..wh..opq' }], 'evil/.wh..wh..opq'],
      ['hardlink to an absolute path', [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }], 'passwd'],
      ['hardlink climbing out', [{ name: 'v', type: 'link', linkname: '../outside/victim' }], 'v'],
      ['hardlink through a symlink', [{ name: 'evil', type: 'symlink', linkname: '__OUTSIDE__' }, { name: 'v', type: 'link', linkname: 'evil/victim' }], 'v'],
      ['hardlink to a missing target', [{ name: 'v', type: 'link', linkname: 'nothing/here' }], 'v'],
    ];
    it.each(cases)('%s', async (_label, entries, badEntry) => {
      const resolved = entries.map((e) => (e.linkname === '__OUTSIDE__' ? { ...e, linkname: outside } : e));
      const err = await extract(resolved).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LayerEntryError);
      expect((err as LayerEntryError).entry).toBe(badEntry);
      expect((err as Error).message).toContain(JSON.stringify(badEntry));
      expectOutsideUntouched();
      expect(fs.existsSync('/etc/tsctr-evil')).toBe(false);
    });
  });
});
