import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './run';
import { TEST_USER, userInfo } from './users';
import { AUTH_REGISTRY, REGISTRY } from './fixtures';

/** A private tsctr store for one test (or one describe block), owned by the test user. */
export interface TestStore {
  /** Base directory under the test user's home: root/, data/, config/ live here. */
  dir: string;
  /** Passed as --root. */
  root: string;
  /** Passed as --runroot; kept short under /tmp because unix socket paths are limited to 108 bytes. */
  runroot: string;
  /** XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR pointing into the store (auth.json, configs, launch recipes). */
  env: Record<string, string>;
  /** Kills every process started against this store and removes its files (as root). */
  cleanup(): Promise<void>;
}

function mkdirOwned(dir: string, uid: number, gid: number, mode = 0o755): void {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chownSync(dir, uid, gid);
  fs.chmodSync(dir, mode);
}

/**
 * Creates an isolated store owned by `user` (default tsctr-test). Call cleanup() in afterAll/afterEach.
 * runTsctr(args, { store }) then adds --root/--runroot and the XDG variables.
 */
export function makeTestStore(user: string = TEST_USER): TestStore {
  const u = userInfo(user);
  const parent = path.join(u.home, 'e2e-stores');
  mkdirOwned(parent, u.uid, u.gid, 0o700);
  const dir = fs.mkdtempSync(path.join(parent, 's-'));
  fs.chownSync(dir, u.uid, u.gid);
  const runDir = fs.mkdtempSync('/tmp/tsctr-e2e-');
  fs.chownSync(runDir, u.uid, u.gid);
  fs.chmodSync(runDir, 0o700);
  for (const sub of ['root', 'data', 'config', 'cache']) mkdirOwned(path.join(dir, sub), u.uid, u.gid);
  const runroot = path.join(runDir, 'run');
  mkdirOwned(runroot, u.uid, u.gid, 0o700);
  const env = {
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    // run's launch recipes (launch-recipe.ts) stay with the store.
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    XDG_RUNTIME_DIR: runDir,
  };
  return {
    dir,
    root: path.join(dir, 'root'),
    runroot,
    env,
    cleanup: async () => {
      await killStoreProcesses(runDir, path.join(dir, 'root'));
      removeTree(dir);
      removeTree(runDir);
    },
  };
}

/**
 * Removes a tree as root. Layer and upper dirs hold files owned by subordinate ids, which the test
 * user itself could only remove inside its user namespace (`tsctr unshare rm -rf`); jest runs as
 * root, so plain removal works and does not depend on the code under test.
 */
export function removeTree(p: string): void {
  fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * SIGKILLs every process whose environment or command line names this store (engines, shims,
 * slirp4netns, fuse-overlayfs started for it), so a failed test leaves nothing running. A
 * container's payload dies with its engine (PDEATHSIG).
 */
async function killStoreProcesses(runDir: string, root: string): Promise<void> {
  const needles = [`XDG_RUNTIME_DIR=${runDir}`, root];
  for (let round = 0; round < 3; round++) {
    const victims: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      try {
        const text = fs.readFileSync(`/proc/${pid}/environ`, 'latin1') + fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
        if (needles.some((n) => text.includes(n))) victims.push(pid);
      } catch {
        // gone, or a kernel thread
      }
    }
    if (victims.length === 0) return;
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Writes a registries.conf into the store that makes short names resolve through docker.io with
 * localhost:5000 as its (plain http) mirror, so `tsctr pull alpine` pulls
 * localhost:5000/library/alpine. Returns its path: pass it as CONTAINERS_REGISTRIES_CONF.
 */
export function registriesConfFor(store: TestStore): string {
  const file = path.join(store.dir, 'registries.conf');
  const text = [
    'unqualified-search-registries = ["docker.io"]',
    '',
    '[[registry]]',
    'prefix = "docker.io"',
    'location = "docker.io"',
    '',
    '[[registry.mirror]]',
    `location = "${REGISTRY}"`,
    'insecure = true',
    '',
    '[[registry]]',
    `location = "${REGISTRY}"`,
    'insecure = true',
    '',
    '[[registry]]',
    `location = "${AUTH_REGISTRY}"`,
    'insecure = true',
    '',
  ].join('\n');
  fs.writeFileSync(file, text, { mode: 0o644 });
  const { uid, gid } = fs.statSync(store.dir);
  fs.chownSync(file, uid, gid);
  return file;
}

/** Lists a directory tree as the test user would see it from the host (`find -printf`), for debugging. */
export async function listTree(dir: string): Promise<string> {
  return (await runCommand(['find', dir, '-printf', '%M %U:%G %p\n'])).stdout;
}
