/**
 * The engine's seccomp compiler with a cache in the run root: compiling the default profile is
 * ~5 ms of a cold engine's start (code run once is not optimised), reading the result ~0.1 ms.
 * The key covers the profile, the options (architectures, capabilities, kernel release) and the
 * compiler's own file, so a new build never reads an older build's program. The run root is the
 * user's own (0700), as trusted as the store the profile comes from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFileSync } from '../../storage/atomic';
import type { StorePaths } from '../../storage/paths';
import { SECCOMP_COMPILER_FILE, compileSeccompProfile } from '../policy/seccomp/compile';
import { DEFAULT_SECCOMP_PROFILE } from '../policy/seccomp/default-profile';

const SOCK_FILTER_SIZE = 8;

/**
 * Pure: the cache key of a compilation. The default profile is part of the compiler's file, so its
 * key needs no hash of the profile (and no node:crypto, ~2 ms to load, on the start path).
 */
export function seccompCacheKey([profile, options]: Parameters<typeof compileSeccompProfile>, compilerIdentity: string): string {
  const text = JSON.stringify([profile === DEFAULT_SECCOMP_PROFILE ? 'default' : profile, options, compilerIdentity], (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  if (profile === DEFAULT_SECCOMP_PROFILE) return `default-${fnv1a64(text)}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only for profiles from files
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(text).digest('hex');
}

/** FNV-1a, 64 bits, hex: the default profile's key (its inputs are a few numbers and names, not attacker-chosen). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

function compilerIdentity(): string {
  const st = fs.statSync(SECCOMP_COMPILER_FILE);
  return `${SECCOMP_COMPILER_FILE}:${st.size}:${st.mtimeMs}`;
}

export function seccompCacheDir(paths: StorePaths): string {
  return path.join(paths.runRoot, 'seccomp');
}

/** compileSeccompProfile, reading and filling the cache in `dir` (a cache that fails is only slower). */
export function cachedSeccompCompiler(dir: string): typeof compileSeccompProfile {
  return (...args) => {
    let file: string | undefined;
    try {
      file = path.join(dir, `${seccompCacheKey(args, compilerIdentity())}.bpf`);
      const program = fs.readFileSync(file);
      if (program.length > 0 && program.length % SOCK_FILTER_SIZE === 0) return program;
    } catch {
      // not cached yet
    }
    const program = compileSeccompProfile(...args);
    if (file) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        replaceFileSync(file, program, 0o600);
      } catch {
        // a read-only or full run root: compile next time again
      }
    }
    return program;
  };
}
