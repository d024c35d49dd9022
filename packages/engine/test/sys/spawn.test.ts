import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { posixSpawn, waitForChild } from '../../src/sys/spawn';

describe('posixSpawn', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-spawn-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps the given descriptors onto 0.. in order, /dev/null for -1, and reports the exit code', async () => {
    const out = fs.openSync(path.join(dir, 'out'), 'w');
    const err = fs.openSync(path.join(dir, 'err'), 'w');
    const script = 'echo to-out; echo to-err >&2; echo to-three >&3; readlink /proc/self/fd/0; exit 7';
    // fd 3 of the child is the file given first as its stdout: the same source may appear twice.
    const pid = posixSpawn('/bin/sh', ['sh', '-c', script], ['PATH=/usr/bin:/bin'], [-1, out, err, out]);
    fs.closeSync(out);
    fs.closeSync(err);
    expect(await waitForChild(pid)).toEqual({ exitCode: 7, signal: null });
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('to-out\nto-three\n/dev/null\n');
    expect(fs.readFileSync(path.join(dir, 'err'), 'utf8')).toBe('to-err\n');
  });

  it('gives the child exactly the environment asked for, default signal dispositions and no other fds', async () => {
    const out = fs.openSync(path.join(dir, 'out'), 'w');
    const keep = fs.openSync(path.join(dir, 'never-inherited'), 'w');
    const pid = posixSpawn('/bin/sh', ['sh', '-c', 'env; grep -E "^Sig(Ign|Blk)" /proc/self/status; ls /proc/self/fd'], ['ONLY=1'], [-1, out, out]);
    fs.closeSync(out);
    await waitForChild(pid);
    fs.closeSync(keep);
    const text = fs.readFileSync(path.join(dir, 'out'), 'utf8');
    expect(text).toMatch(/^ONLY=1$/m);
    expect(text).not.toMatch(/^HOME=/m);
    // Node ignores SIGPIPE; the child must not.
    expect(text).toMatch(/^SigBlk:\s+0+$/m);
    const ignored = BigInt(`0x${/^SigIgn:\s+([0-9a-f]+)$/m.exec(text)?.[1] ?? 'ffff'}`);
    expect(ignored & (1n << 12n)).toBe(0n); // SIGPIPE (13)
    // What Node opened (close-on-exec) stays here; the parked copies are closed too.
    const fds = text.trim().split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    expect(fds).toEqual(expect.arrayContaining([0, 1, 2]));
    expect(fds).not.toContain(keep);
    expect(fds.filter((fd) => fd >= 100 && fd < 110)).toEqual([]);
  });

  it('reports a signal death', async () => {
    const pid = posixSpawn('/bin/sh', ['sh', '-c', 'kill -TERM $$'], [], [-1, -1, -1]);
    expect(await waitForChild(pid)).toEqual({ exitCode: null, signal: 15 });
  });

  it('throws for a program that does not exist', () => {
    expect(() => posixSpawn(path.join(dir, 'missing'), ['missing'], [], [-1, -1, -1])).toThrow(/posix_spawn .*ENOENT/);
  });
});
