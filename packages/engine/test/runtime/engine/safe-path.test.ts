import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerPathComponents, ensureMountPoint, readRootfsFile, resolveInRootfs, type EntryKind } from '../../../src/runtime/engine/safe-path';

describe('containerPathComponents', () => {
  it('normalises slashes and dots', () => {
    expect(containerPathComponents('//etc/./hosts/')).toEqual(['etc', 'hosts']);
  });
  it('refuses ..', () => {
    expect(() => containerPathComponents('/etc/../../x')).toThrow(/must not contain ".."/);
  });
});

describe('resolveInRootfs (pure with a fake lstat)', () => {
  const fake = (entries: Record<string, EntryKind>) => (p: string): EntryKind => entries[p] ?? 'missing';

  it('reports the final kind and the first missing component', () => {
    expect(resolveInRootfs('/m', '/etc/hosts', fake({ '/m/etc': 'directory', '/m/etc/hosts': 'file' }))).toEqual({ hostPath: '/m/etc/hosts', kind: 'file', firstMissing: -1 });
    expect(resolveInRootfs('/m', '/dev/pts', fake({}))).toEqual({ hostPath: '/m/dev/pts', kind: 'missing', firstMissing: 0 });
  });
  it('reports a symlink at the last component without following it', () => {
    expect(resolveInRootfs('/m', '/etc/hosts', fake({ '/m/etc': 'directory', '/m/etc/hosts': 'symlink' })).kind).toBe('symlink');
  });
  it('refuses a symlink on the way', () => {
    expect(() => resolveInRootfs('/m', '/etc/hosts', fake({ '/m/etc': 'symlink' }))).toThrow(/\/etc is a symbolic link/);
  });
  it('refuses a file on the way', () => {
    expect(() => resolveInRootfs('/m', '/dev/pts', fake({ '/m/dev': 'file' }))).toThrow(/\/dev is not a directory/);
  });
});

describe('on a real directory tree', () => {
  let base: string;
  let rootfs: string;
  let outside: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-path-'));
    rootfs = path.join(base, 'rootfs');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'shadow'), 'secret');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('replaces a final symlink for a generated file instead of following it', () => {
    fs.symlinkSync(path.join(outside, 'shadow'), path.join(rootfs, 'etc', 'hosts'));
    const target = ensureMountPoint(rootfs, '/etc/hosts', 'file', true);
    expect(target).toBe(path.join(rootfs, 'etc', 'hosts'));
    expect(fs.lstatSync(target).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(outside, 'shadow'), 'utf8')).toBe('secret');
  });
  it('refuses a final symlink when replacing is not allowed', () => {
    fs.symlinkSync(outside, path.join(rootfs, 'dev'));
    expect(() => ensureMountPoint(rootfs, '/dev', 'directory')).toThrow(/symbolic link/);
  });
  it('refuses a directory symlink on the way and creates nothing outside', () => {
    fs.rmSync(path.join(rootfs, 'etc'), { recursive: true });
    fs.symlinkSync(outside, path.join(rootfs, 'etc'));
    expect(() => ensureMountPoint(rootfs, '/etc/hosts', 'file', true)).toThrow(/\/etc is a symbolic link/);
    expect(fs.readdirSync(outside)).toEqual(['shadow']);
  });
  it('creates missing parents and the mount point', () => {
    const target = ensureMountPoint(rootfs, '/dev/pts', 'directory');
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });
  it('reads image files but not through symlinks', () => {
    fs.writeFileSync(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
    fs.symlinkSync(path.join(outside, 'shadow'), path.join(rootfs, 'etc', 'group'));
    expect(readRootfsFile(rootfs, '/etc/passwd')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(readRootfsFile(rootfs, '/etc/group')).toBeUndefined();
    expect(readRootfsFile(rootfs, '/etc/missing')).toBeUndefined();
  });
});
