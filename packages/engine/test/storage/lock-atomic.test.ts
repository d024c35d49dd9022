import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { withStoreLock, withSharedStoreLock } from '../../src/storage/lock';
import { readJsonFile, replaceFileSync, writeFileAtomic, writeJsonFileAtomic } from '../../src/storage/atomic';
import { TsctrError } from '../../src/errors';
import type { StorePaths } from '../../src/storage/paths';

let root: string;
let paths: StorePaths;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-lock-'));
  paths = { root: path.join(root, 'data'), runRoot: path.join(root, 'run') };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** True when `flock -n` (util-linux) from another process can take the lock right now. */
function otherProcessCanLock(file: string, shared = false): boolean {
  try {
    execFileSync('flock', [shared ? '-sn' : '-n', file, 'true']);
    return true;
  } catch {
    return false;
  }
}

describe('withStoreLock', () => {
  it('creates the lock file, holds an exclusive lock during fn and releases it afterwards', async () => {
    const lockFile = path.join(paths.root, 'store.lock');
    const seenInside = await withStoreLock(paths, async () => otherProcessCanLock(lockFile, true));
    expect(seenInside).toBe(false);
    expect(fs.existsSync(lockFile)).toBe(true);
    expect(otherProcessCanLock(lockFile)).toBe(true);
  });

  it('releases the lock when fn throws', async () => {
    const lockFile = path.join(paths.root, 'store.lock');
    await expect(withStoreLock(paths, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(otherProcessCanLock(lockFile)).toBe(true);
  });

  it('shared lock admits other readers but not writers', async () => {
    const lockFile = path.join(paths.root, 'store.lock');
    const [reader, writer] = await withSharedStoreLock(paths, async () => [otherProcessCanLock(lockFile, true), otherProcessCanLock(lockFile)]);
    expect(reader).toBe(true);
    expect(writer).toBe(false);
  });

  it('nested calls in the same call chain do not deadlock', async () => {
    const result = await withStoreLock(paths, () => withStoreLock(paths, async () => 42));
    expect(result).toBe(42);
  });

  it('refuses to upgrade a shared lock', async () => {
    await expect(withSharedStoreLock(paths, () => withStoreLock(paths, async () => 1))).rejects.toThrow(/upgrade/);
  });

  it('waits for a lock held by another process', async () => {
    fs.mkdirSync(paths.root, { recursive: true });
    const lockFile = path.join(paths.root, 'store.lock');
    const marker = path.join(root, 'holder-done');
    // The holder takes the lock, signals readiness on stdout, then waits for a marker file.
    const holder = spawn('flock', [lockFile, 'sh', '-c', `echo locked; while [ ! -e ${marker} ]; do sleep 0.05; done; echo released > ${marker}.2`]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const order: string[] = [];
    const waiting = withStoreLock(paths, async () => {
      order.push(fs.existsSync(`${marker}.2`) ? 'after-release' : 'while-held');
    });
    fs.writeFileSync(marker, '');
    await waiting;
    expect(order).toEqual(['after-release']);
  });
});

describe('writeFileAtomic / readJsonFile', () => {
  it('writes content with the requested mode and leaves no temp file', async () => {
    fs.mkdirSync(root, { recursive: true });
    const file = path.join(root, 'x.json');
    await writeFileAtomic(file, 'one', 0o600);
    await writeFileAtomic(file, 'two', 0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(root)).toEqual(['x.json']);
  });

  it('round-trips JSON and applies the guard', async () => {
    const file = path.join(root, 'v.json');
    await writeJsonFileAtomic(file, { a: 1 });
    const isA = (v: unknown): v is { a: number } => typeof v === 'object' && v !== null && typeof (v as { a?: unknown }).a === 'number';
    await expect(readJsonFile(file, isA)).resolves.toEqual({ a: 1 });
    const isB = (v: unknown): v is { b: number } => typeof v === 'object' && v !== null && 'b' in v;
    await expect(readJsonFile(file, isB)).rejects.toThrow(TsctrError);
  });

  it('returns undefined for a missing file and names a corrupt one', async () => {
    await expect(readJsonFile(path.join(root, 'none.json'))).resolves.toBeUndefined();
    const bad = path.join(root, 'bad.json');
    fs.writeFileSync(bad, '{oops');
    await expect(readJsonFile(bad)).rejects.toThrow(bad);
  });
});

describe('replaceFileSync', () => {
  it('replaces the content with the given mode and leaves no temp file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-replace-'));
    try {
      const file = path.join(dir, 'state.json');
      fs.writeFileSync(file, 'old', { mode: 0o644 });
      replaceFileSync(file, 'new', 0o600);
      expect(fs.readFileSync(file, 'utf8')).toBe('new');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(dir)).toEqual(['state.json']);
      expect(() => replaceFileSync(path.join(dir, 'missing-dir', 'x'), 'y')).toThrow();
      expect(fs.readdirSync(dir)).toEqual(['state.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
