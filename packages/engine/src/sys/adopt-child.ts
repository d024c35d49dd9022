/**
 * A child spawned with rawSpawn (raw-spawn.ts) as the part of ChildProcess the engine's launch
 * uses: its pipes become net.Sockets, its end an 'exit' event, kill and unref act on its handle.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { constants as osConstants } from 'node:os';
import type { EngineChild, RawChild } from './raw-spawn';

class AdoptedChild extends EventEmitter {
  readonly pid: number;
  readonly stdio: (net.Socket | null)[] = [];
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly spawnfile: string;
  readonly spawnargs: string[];

  constructor(private readonly raw: RawChild) {
    super();
    this.pid = raw.pid;
    this.spawnfile = raw.file;
    this.spawnargs = [...raw.args];
    for (const [fd, handle] of raw.pipes) {
      while (this.stdio.length < fd) this.stdio.push(null);
      this.stdio[fd] = new net.Socket({ handle, readable: true, writable: true } as net.SocketConstructorOpts);
    }
    const record = (exitCode: number, signalCode: string | null): void => {
      this.exitCode = signalCode ? null : exitCode;
      this.signalCode = signalCode as NodeJS.Signals | null;
    };
    if (raw.exit) {
      record(raw.exit.exitCode, raw.exit.signalCode);
      queueMicrotask(() => this.emit('exit', this.exitCode, this.signalCode));
    } else {
      raw.onExit = (exitCode, signalCode) => {
        record(exitCode, signalCode);
        this.emit('exit', this.exitCode, this.signalCode);
      };
    }
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    const number = typeof signal === 'number' ? signal : osConstants.signals[signal];
    return this.raw.handle.kill(number) === 0;
  }

  unref(): void {
    this.raw.handle.unref();
  }
}

export function adoptRawChild(raw: RawChild): EngineChild {
  return new AdoptedChild(raw) as unknown as EngineChild;
}
