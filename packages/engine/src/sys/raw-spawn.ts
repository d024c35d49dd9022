/**
 * Spawning through libuv's process handle (`process.binding('process_wrap')`), the layer under
 * child_process: for the one spawn that must happen within the first milliseconds of `tsctr run`
 * (recipe-start.ts in the CLI). Loading child_process with its streams and running ChildProcess's
 * set-up costs ~6 ms there; this costs ~1.5 ms. The child's pipes are raw handles until
 * adoptRawChild() wraps them in net.Sockets (once the CLI has loaded its code) and returns an
 * object with the part of ChildProcess the launch code uses (EngineChild). Where the binding is not
 * what this expects, rawSpawn throws and the caller uses child_process.
 */
import type { ChildProcess } from 'node:child_process';

/** The part of ChildProcess the engine's launch uses (userns.ts awaitLaunch, launch-engine.ts). */
export type EngineChild = Pick<ChildProcess, 'pid' | 'stdio' | 'exitCode' | 'signalCode' | 'kill' | 'once' | 'unref' | 'spawnfile' | 'spawnargs'>;

interface UvHandle {
  close(callback?: () => void): void;
  unref(): void;
}
interface ProcessHandle extends UvHandle {
  pid: number;
  onexit: (exitCode: number, signalCode: string | null) => void;
  spawn(options: object): number;
  kill(signal: number): number;
}
interface Bindings {
  Process: new () => ProcessHandle;
  Pipe: new (type: number) => UvHandle;
  pipeSocket: number;
}

export type RawStdio = 'ignore' | 'pipe' | number;

/** A spawned child whose pipes (the 'pipe' entries of its stdio) are still raw handles. */
export interface RawChild {
  pid: number;
  readonly file: string;
  /** argv, argv0 first. */
  readonly args: readonly string[];
  readonly handle: ProcessHandle;
  /** By fd: the raw pipe handle of each 'pipe' entry. */
  readonly pipes: ReadonlyMap<number, UvHandle>;
  /** Set when it ended before adoptRawChild. */
  exit?: { readonly exitCode: number; readonly signalCode: string | null };
  onExit?: (exitCode: number, signalCode: string | null) => void;
}

function bindings(): Bindings {
  const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
  const { Process } = binding('process_wrap') as { Process?: Bindings['Process'] };
  const { Pipe, constants } = binding('pipe_wrap') as { Pipe?: Bindings['Pipe']; constants?: { SOCKET?: number } };
  if (typeof Process !== 'function' || typeof Pipe !== 'function' || typeof constants?.SOCKET !== 'number') throw new Error('process_wrap/pipe_wrap are not as expected');
  return { Process, Pipe, pipeSocket: constants.SOCKET };
}

/** Spawns `file` with `args` (argv0 first); throws (with nothing started) when it cannot. */
export function rawSpawn(file: string, args: readonly string[], stdio: readonly RawStdio[], opts: { env: NodeJS.ProcessEnv; detached: boolean }): RawChild {
  const { Process, Pipe, pipeSocket } = bindings();
  const pipes = new Map<number, UvHandle>();
  const uvStdio = stdio.map((entry, fd) => {
    if (entry === 'ignore') return { type: 'ignore' };
    if (typeof entry === 'number') return { type: 'fd', fd: entry };
    const handle = new Pipe(pipeSocket);
    pipes.set(fd, handle);
    return { type: 'pipe', readable: true, writable: true, handle };
  });
  const envPairs = Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
  const handle = new Process();
  const child: RawChild = { pid: 0, file, args, handle, pipes };
  handle.onexit = (exitCode, rawSignal) => {
    // libuv reports "no signal" as '' (child_process turns that into null too).
    const signalCode = rawSignal || null;
    child.exit = { exitCode, signalCode };
    handle.close();
    child.onExit?.(exitCode, signalCode);
  };
  const err = handle.spawn({ file, args: [...args], envPairs, stdio: uvStdio, detached: opts.detached, windowsHide: false, windowsVerbatimArguments: false });
  if (err !== 0 || !(handle.pid > 0)) {
    handle.close();
    for (const pipe of pipes.values()) pipe.close();
    throw new Error(`spawn ${file}: error ${err}`);
  }
  child.pid = handle.pid;
  return child;
}
