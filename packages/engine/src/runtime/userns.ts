/**
 * Starting a program in a new user namespace with the user's subordinate ids: `tsctr-shim launch`
 * (docs/shim-protocol.md), which runs newuidmap/newgidmap itself from outside the new namespace.
 */
import { type ChildProcess, type StdioOptions } from 'node:child_process';
import { childProcess } from '../sys/child-process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import { finished } from 'node:stream/promises';
import { TsctrError, errnoName } from '../errors';
import { trace } from '../trace';
import type { IdMapEntry, IdMappings } from './idmap';
import { sealedShimFd, shimBinaryPath } from './shim-binary';
import { SUBGID_FILE, SUBUID_FILE, newIdMapArgs } from './subids';
import { loadDefaultMappings } from './subid-files';
import type { EngineChild } from '../sys/raw-spawn';
import { nodeProgramEnv } from './node-program-env';

export type Namespace = 'mnt' | 'net' | 'uts' | 'ipc' | 'cgroup';
export type StdioEntry = Extract<StdioOptions, readonly unknown[]>[number];

export interface LaunchOptions {
  /** PROG ARG...; PROG is looked up in PATH (of the shim's environment). */
  readonly argv: readonly string[];
  /** Default: loadDefaultMappings(). */
  readonly mappings?: IdMappings;
  /** Namespaces unshared after becoming root in the user namespace. */
  readonly unshare?: readonly Namespace[];
  /**
   * Join existing namespaces (`/proc/PID/ns/user`, `/proc/PID/ns/net`) instead of creating a user
   * namespace (no maps are written then) or unsharing net: `--network container:NAME`.
   */
  readonly join?: { readonly userns: string; readonly netns: string };
  readonly setsid?: boolean;
  /**
   * Execute the program as soon as its namespaces exist, while newuidmap/newgidmap still run (its
   * capabilities kept as ambient ones): the program must wait for its maps before it creates files
   * or uses ids (the engine does, waitForIdMaps). The launch resolves once the maps are written.
   */
  readonly execUnmapped?: boolean;
  /** Signal the program gets when the spawning thread (this Node process) dies. */
  readonly pdeathsig?: NodeJS.Signals | number;
  /**
   * As for child_process.spawn, indexed by the child's fd. Index 3 is the sync socket and must be
   * left undefined; entries from index 4 on are passed to the program. Default: inherit 0-2.
   */
  readonly stdio?: readonly StdioEntry[];
  /**
   * Default: this process's environment; for tsctr's own Node programs (argv[0] is this Node: the
   * engine, the workers) without what only costs their start (node-program-env.ts).
   */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly detached?: boolean;
}

export interface RunResult {
  /** The program's exit code, or 128+N when signal N killed it. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const SYNC_FD = 3;


const idmapTools = new Map<string, string>();

/** Absolute path of newuidmap/newgidmap, or the TsctrError that says how to install them. */
export function findIdMapTool(name: 'newuidmap' | 'newgidmap'): string {
  const known = idmapTools.get(name);
  if (known) return known;
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      idmapTools.set(name, file);
      return file;
    } catch {
      // not here
    }
  }
  throw new TsctrError(`${name} not found: tsctr needs it to map your subordinate ids; install the uidmap package (apt-get install uidmap)`);
}

/** The paths of newuidmap and newgidmap (the shim runs them). */
export interface IdMapTools {
  readonly newuidmap: string;
  readonly newgidmap: string;
}

export function findIdMapTools(): IdMapTools {
  return { newuidmap: findIdMapTool('newuidmap'), newgidmap: findIdMapTool('newgidmap') };
}

/** Pure: a map as the shim's --uid-map/--gid-map value ("C H N C H N ..."). */
export function shimIdMap(entries: readonly IdMapEntry[]): string {
  return entries.map((e) => `${e.containerId} ${e.hostId} ${e.size}`).join(' ');
}

/** Pure: the shim's `M<status> <tool>: <output>` line (newuidmap/newgidmap failed) as the error the user sees. */
export function idMapFailure(line: string, mappings: IdMappings, pid: number): TsctrError | undefined {
  // Both mappers may fail: the first line tells.
  const m = /^M(\d+) (\S+): ?(.*)$/.exec(line.trim().split('\n')[0]);
  if (!m) return undefined;
  const file = m[2];
  const tool = path.basename(file) === 'newgidmap' ? 'newgidmap' : 'newuidmap';
  const entries = tool === 'newuidmap' ? mappings.uidMap : mappings.gidMap;
  const detail = (m[3].trim() || `exit status ${m[1]}`).trim();
  const idFile = tool === 'newuidmap' ? SUBUID_FILE : SUBGID_FILE;
  return new TsctrError(
    `${tool} ${newIdMapArgs(pid, entries).join(' ')} failed: ${detail}: check that ${idFile} grants these ranges to ` +
      `your user and that ${file} is setuid root or has file capabilities (reinstall the uidmap package)`,
  );
}

/** Turns the shim's `E<errno> <step>: <strerror>` line into the error the user sees. */
export function launchFailure(line: string, program: string): TsctrError {
  const m = /^E(\d+) (.*)$/.exec(line.trim());
  if (!m) return new TsctrError(`tsctr-shim launch failed: ${line.trim() || 'no reason given'}`);
  const errno = Number(m[1]);
  const what = m[2];
  const code = errnoName(errno);
  if (what.startsWith('unshare(CLONE_NEWUSER)')) {
    if (code === 'ENOSPC' || code === 'EUSERS') {
      return new TsctrError(
        `the kernel refuses to create a user namespace (${what}): the limit user.max_user_namespaces is 0 or reached; ` +
          `raise it with "sudo sysctl -w user.max_user_namespaces=15000"`,
      );
    }
    return new TsctrError(
      `the kernel refuses unprivileged user namespaces (${what}): enable them with ` +
        `"sudo sysctl -w kernel.unprivileged_userns_clone=1" (Debian/Ubuntu kernels), check that user.max_user_namespaces ` +
        `is above 0, and on Ubuntu 23.10+ that kernel.apparmor_restrict_unprivileged_userns is 0`,
    );
  }
  if (what.startsWith('exec ')) {
    if (code === 'ENOENT') return new TsctrError(`${program}: command not found in the user namespace (${what})`, 127);
    return new TsctrError(`${program}: cannot execute in the user namespace (${what})`, 126);
  }
  return new TsctrError(`tsctr-shim launch failed: ${what}`);
}

function signalNumber(sig: NodeJS.Signals | number): number {
  if (typeof sig === 'number') return sig;
  const n = osConstants.signals[sig];
  if (n === undefined) throw new TsctrError(`unknown signal ${sig}`);
  return n;
}

/** The shim's argv for a launch (after the executable); `maps` for a new user namespace (not with `join`). */
export function launchArgs(opts: Pick<LaunchOptions, 'argv' | 'unshare' | 'setsid' | 'pdeathsig' | 'join' | 'execUnmapped'>, maps?: { tools: IdMapTools; mappings: IdMappings }): string[] {
  if (opts.argv.length === 0) throw new TsctrError('no command to run in the user namespace');
  const args = ['launch', '--sync-fd', String(SYNC_FD)];
  if (opts.join) args.push('--join-userns', opts.join.userns, '--join-netns', opts.join.netns);
  else if (maps) {
    args.push('--newuidmap', maps.tools.newuidmap, '--uid-map', shimIdMap(maps.mappings.uidMap), '--newgidmap', maps.tools.newgidmap, '--gid-map', shimIdMap(maps.mappings.gidMap));
    if (opts.execUnmapped) args.push('--exec-unmapped');
  }
  if (opts.unshare && opts.unshare.length > 0) args.push('--unshare', opts.unshare.join(','));
  if (opts.setsid) args.push('--setsid');
  if (opts.pdeathsig !== undefined) args.push('--pdeathsig', String(signalNumber(opts.pdeathsig)));
  return [...args, '--', ...opts.argv];
}

function buildStdio(stdio: readonly StdioEntry[] | undefined): StdioEntry[] {
  const entries: StdioEntry[] = stdio ? [...stdio] : ['inherit', 'inherit', 'inherit'];
  if (entries[SYNC_FD] !== undefined) throw new Error('internal: stdio[3] is the sync socket of tsctr-shim launch');
  while (entries.length < 3) entries.push('inherit');
  entries[SYNC_FD] = 'pipe';
  return entries;
}

/**
 * Spawns `tsctr-shim launch` (which maps the new user namespace with newuidmap/newgidmap) and
 * resolves with the child once the program runs as root in its own user namespace (rejects with a
 * TsctrError otherwise).
 */
export async function launchInUserNamespace(opts: LaunchOptions): Promise<ChildProcess> {
  const mappings = opts.mappings ?? loadDefaultMappings();
  const tools = findIdMapTools();
  // A new user namespace is launched from the shim's file: the launch shim execs the program before
  // any container process exists. Joining a container's namespaces uses the sealed copy.
  const child = childProcess().spawn(opts.join ? sealedShimFd() : shimBinaryPath(), launchArgs(opts, { tools, mappings }), {
    argv0: 'tsctr-shim',
    stdio: buildStdio(opts.stdio),
    env: opts.env ?? (opts.argv[0] === process.execPath ? nodeProgramEnv() : process.env),
    cwd: opts.cwd,
    detached: opts.detached,
  });
  return awaitLaunch(child, opts.argv[0], mappings);
}

/** Resolves when the shim's sync fd closes without a failure line: its program runs. */
export function awaitLaunch<C extends EngineChild>(child: C, program: string, mappings: IdMappings): Promise<C> {
  const sync = child.stdio[SYNC_FD] as Socket;
  return new Promise<C>((resolve, reject) => {
    let failed = false;
    let message = '';
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      sync.destroy();
      // A launch that failed runs nothing: with execUnmapped the program may be running already.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err) => fail(new TsctrError(`cannot start tsctr-shim: ${err.message}`)));
    sync.on('data', (chunk: Buffer) => {
      message += chunk.toString('latin1');
    });
    sync.on('error', () => {
      // EPIPE/ECONNRESET when the shim dies: the close handler reports.
    });
    sync.on('close', () => {
      if (failed) return;
      if (message === '') {
        // EOF without a failure line: the program was executed (the shim's bad-argv errors go to
        // stderr and exit 125 before that, which the caller sees as the exit status).
        trace('userns-launched');
        resolve(child);
        return;
      }
      fail(idMapFailure(message, mappings, child.pid ?? 0) ?? launchFailure(message, program));
    });
  });
}

/**
 * The exit code of a launched child (128+N for signal N). Safe to call after the child ended:
 * short programs often exit before launchInUserNamespace resolves.
 */
export function waitForExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const done = (): void => resolve(child.signalCode ? 128 + signalNumber(child.signalCode) : (child.exitCode ?? 125));
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', done);
  });
}

export interface RunOptions extends Omit<LaunchOptions, 'argv' | 'stdio'> {
  /** Written to the program's stdin (default: stdin is /dev/null). */
  readonly input?: string | Buffer;
}

/** Runs a short helper in a user namespace and collects its output (for storage: extract, rm -rf). */
export async function runInUserNamespace(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = await launchInUserNamespace({ ...opts, argv, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => stdout.push(b));
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  if (child.stdin) {
    child.stdin.on('error', () => {
      // the program may exit without reading all of its input
    });
    child.stdin.end(opts.input);
  }
  const [exitCode] = await Promise.all([waitForExit(child), ...[child.stdout, child.stderr].map((s) => (s ? finished(s) : undefined))]);
  return { exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}

