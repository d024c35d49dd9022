import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedSeccompCompiler, seccompCacheKey } from '../../../src/runtime/engine/seccomp-cache';
import { compileSeccompProfile } from '../../../src/runtime/policy/seccomp/compile';
import { DEFAULT_SECCOMP_PROFILE } from '../../../src/runtime/policy/seccomp/default-profile';

describe('cachedSeccompCompiler', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-seccomp-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = { arches: ['x86_64' as const], capabilities: 0x800405fbn, kernelRelease: '6.1.0' };

  it('compiles once, then reads the same program from the cache', () => {
    const compile = cachedSeccompCompiler(path.join(dir, 'seccomp'));
    const first = compile(DEFAULT_SECCOMP_PROFILE, options);
    expect(first.equals(compileSeccompProfile(DEFAULT_SECCOMP_PROFILE, options))).toBe(true);
    const files = fs.readdirSync(path.join(dir, 'seccomp'));
    expect(files).toHaveLength(1);
    // What is in the file is what a later start gets.
    const marked = Buffer.from(first);
    marked.writeUInt32LE(0x7fff0000, marked.length - 4);
    fs.writeFileSync(path.join(dir, 'seccomp', files[0]), marked);
    expect(compile(DEFAULT_SECCOMP_PROFILE, options).equals(marked)).toBe(true);
  });

  it('keys on the options and the profile: another bounding set or kernel is another program', () => {
    const base = seccompCacheKey([DEFAULT_SECCOMP_PROFILE, options], 'compiler-a');
    expect(seccompCacheKey([DEFAULT_SECCOMP_PROFILE, { ...options, capabilities: 0x1fffffffffn }], 'compiler-a')).not.toBe(base);
    expect(seccompCacheKey([DEFAULT_SECCOMP_PROFILE, { ...options, kernelRelease: '4.19.0' }], 'compiler-a')).not.toBe(base);
    expect(seccompCacheKey([{ ...DEFAULT_SECCOMP_PROFILE, defaultErrnoRet: 1 }, options], 'compiler-a')).not.toBe(base);
    expect(seccompCacheKey([DEFAULT_SECCOMP_PROFILE, options], 'compiler-b')).not.toBe(base);
    expect(seccompCacheKey([DEFAULT_SECCOMP_PROFILE, options], 'compiler-a')).toBe(base);
    // A profile from a file is keyed by a hash of its content.
    const fromFile = { ...DEFAULT_SECCOMP_PROFILE };
    expect(seccompCacheKey([fromFile, options], 'compiler-a')).toMatch(/^[0-9a-f]{64}$/);
    expect(seccompCacheKey([fromFile, options], 'compiler-a')).not.toBe(seccompCacheKey([{ ...fromFile, defaultErrnoRet: 1 }, options], 'compiler-a'));
  });

  it('recompiles over a damaged cache file and still works without a writable cache', () => {
    const cacheDir = path.join(dir, 'seccomp');
    const compile = cachedSeccompCompiler(cacheDir);
    const good = compile(DEFAULT_SECCOMP_PROFILE, options);
    const [file] = fs.readdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, file), Buffer.alloc(5));
    expect(compile(DEFAULT_SECCOMP_PROFILE, options).equals(good)).toBe(true);
    fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
    expect(cachedSeccompCompiler(path.join(dir, 'not-a-dir'))(DEFAULT_SECCOMP_PROFILE, options).equals(good)).toBe(true);
  });
});
