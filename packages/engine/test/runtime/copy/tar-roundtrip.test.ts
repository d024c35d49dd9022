/** Pack and unpack on a real file system: modes and symlinks survive; hostile archives stay below the root. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { RootedDir } from '@tsctr/engine/runtime/copy/rooted-dir';
import { packPath } from '@tsctr/engine/runtime/copy/tar-pack';
import { unpackTar } from '@tsctr/engine/runtime/copy/tar-unpack';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-cp-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function archive(entries: tar.Header[]): Readable {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'file') pack.entry(e, `content of ${e.name}`);
    else pack.entry(e);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

const header = (name: string, type: tar.Header['type'], extra: Partial<tar.Header> = {}): tar.Header =>
  ({ name, type, mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0, size: 0, linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0, ...extra }) as tar.Header;

it('round-trips a tree with modes and symlinks', async () => {
  const src = path.join(dir, 'src');
  fs.mkdirSync(path.join(src, 'ro'), { recursive: true });
  fs.writeFileSync(path.join(src, 'ro', 'f'), 'data');
  fs.chmodSync(path.join(src, 'ro', 'f'), 0o4750);
  fs.chmodSync(path.join(src, 'ro'), 0o555);
  fs.symlinkSync('/etc', path.join(src, 'abs'));
  fs.symlinkSync('ro/f', path.join(src, 'rel'));
  const root = RootedDir.open(dir, 'in-root');
  const { stream } = packPath(root, 'src', 'copy');
  fs.mkdirSync(path.join(dir, 'dst'));
  await unpackTar(stream, { owner: null, place: () => ({ root: RootedDir.open(path.join(dir, 'dst'), 'beneath'), placement: { dir: '.', mode: 'rename', name: 'copy' } }) });
  root.close();
  const out = path.join(dir, 'dst', 'copy');
  expect(fs.statSync(path.join(out, 'ro')).mode & 0o7777).toBe(0o555);
  expect(fs.statSync(path.join(out, 'ro', 'f')).mode & 0o7777).toBe(0o4750);
  expect(fs.readFileSync(path.join(out, 'ro', 'f'), 'utf8')).toBe('data');
  expect(fs.readlinkSync(path.join(out, 'abs'))).toBe('/etc');
  expect(fs.readlinkSync(path.join(out, 'rel'))).toBe('ro/f');
});

it('never writes through a symlink the archive planted (beneath: refused)', async () => {
  const outside = path.join(dir, 'outside');
  const dst = path.join(dir, 'dst');
  fs.mkdirSync(outside);
  fs.mkdirSync(dst);
  const hostile = archive([header('top', 'directory'), header('top/esc', 'symlink', { linkname: outside }), header('top/esc/pwned', 'file', { size: 'content of top/esc/pwned'.length })]);
  await expect(unpackTar(hostile, { owner: null, place: () => ({ root: RootedDir.open(dst, 'beneath'), placement: { dir: '.', mode: 'rename', name: 'top' } }) })).rejects.toThrow();
  expect(fs.readdirSync(outside)).toEqual([]);
});

it('resolves absolute symlinks inside the root (in-root: clamped, not escaped)', async () => {
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.symlinkSync('/etc', path.join(rootfs, 'evil'));
  const input = archive([header('f', 'file', { size: 'content of f'.length })]);
  await unpackTar(input, { owner: null, place: () => ({ root: RootedDir.open(rootfs, 'in-root'), placement: { dir: '/evil', mode: 'rename', name: `tsctr-unit-${process.pid}` } }) });
  expect(fs.existsSync(path.join(rootfs, 'etc', `tsctr-unit-${process.pid}`))).toBe(true);
  expect(fs.existsSync(`/etc/tsctr-unit-${process.pid}`)).toBe(false);
});
