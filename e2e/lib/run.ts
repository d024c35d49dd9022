import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { TEST_USER, userInfo } from './users';
import type { TestStore } from './test-store';

/** The installed CLI (e2e/setup/install.sh; refreshed by the e2e global setup). */
export const TSCTR_BIN = '/usr/local/bin/tsctr';
/** Where install.sh puts the build (readable by every user, unlike a checkout under /root). */
export const INSTALL_DIR = '/opt/tsctr';
export const INSTALLED_SHIM = `${INSTALL_DIR}/packages/engine/native/build/tsctr-shim`;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunResult {
  /** The exit code; 128 + N when killed by signal N (as a shell reports it). */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the timeout killed the process group. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Kill the whole process group after this long (default 60 s). */
  timeoutMs?: number;
  /** Extra environment on top of the clean one (HOME, USER, LOGNAME, PATH, LANG). */
  env?: Record<string, string>;
  /** Run as this user instead of tsctr-test (e.g. NOSUB_USER). */
  user?: string;
  /** Working directory (default: the user's home). */
  cwd?: string;
}

export interface TsctrOptions extends RunOptions {
  /** Isolated store: adds --root/--runroot and points XDG_* into it (see makeTestStore). */
  store?: TestStore;
}

export interface RunCommandOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
  /** The whole environment (default: jest's own). */
  env?: NodeJS.ProcessEnv;
}

/** Runs argv as root (jest's own user) with a timeout, collecting output. */
export function runCommand(argv: readonly string[], opts: RunCommandOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills runuser and everything it started.
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? 128 + (signal ? osConstants.signals[signal] : 0),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the command may exit without reading it
      child.stdin.end(opts.input);
    }
  });
}

/**
 * The argv that runs `cmd` as `user` with a clean environment:
 * runuser -u USER -- env -i HOME=... USER=... PATH=... [extra env] cmd...
 */
export function asUserArgv(user: string, cmd: readonly string[], env: Record<string, string> = {}): string[] {
  const u = userInfo(user);
  const base: Record<string, string> = { HOME: u.home, USER: u.name, LOGNAME: u.name, PATH: DEFAULT_PATH, LANG: 'C.UTF-8' };
  const vars = Object.entries({ ...base, ...env }).map(([k, v]) => `${k}=${v}`);
  return ['runuser', '-u', user, '--', 'env', '-i', ...vars, ...cmd];
}

/** Runs an arbitrary command as tsctr-test (or opts.user) with a clean environment. */
export function runAsTestUser(cmd: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const user = opts.user ?? TEST_USER;
  return runCommand(asUserArgv(user, cmd, opts.env), {
    input: opts.input,
    timeoutMs: opts.timeoutMs,
    cwd: opts.cwd ?? userInfo(user).home,
  });
}

/** Runs the installed tsctr as tsctr-test (or opts.user), optionally inside an isolated store. */
export function runTsctr(args: readonly string[], opts: TsctrOptions = {}): Promise<RunResult> {
  const storeArgs = opts.store ? ['--root', opts.store.root, '--runroot', opts.store.runroot] : [];
  const env = { ...(opts.store?.env ?? {}), ...(opts.env ?? {}) };
  return runAsTestUser([TSCTR_BIN, ...storeArgs, ...args], { ...opts, env });
}
