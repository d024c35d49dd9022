/**
 * The engine's writes of state.json: atomic, in order (the engine is the only writer while it
 * lives), and owned by the user. With --userns=keep-id the engine's uid 0 is a subordinate id on
 * the host, so every file the CLI must read or connect to is given the owner of the container dir.
 */
import * as fs from 'node:fs';
import { replaceFileSync, writeFileAtomic } from '../../storage/atomic';
import type { StorePaths } from '../../storage/paths';
import type { ContainerState } from '../container-types';
import { containerDir, containerStatePath } from '../containers/layout';
import { processStartTime } from '../../sys/proc';

export interface FileOwner {
  readonly uid: number;
  readonly gid: number;
}

/** The owner (as seen in the engine's namespace) of the container dir the CLI created. */
export function containerOwner(paths: StorePaths, id: string): FileOwner {
  const st = fs.statSync(containerDir(paths, id));
  return { uid: st.uid, gid: st.gid };
}

export class StateWriter {
  private state: ContainerState;
  private readonly engine: Pick<ContainerState, 'enginePid' | 'engineStartTime'>;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly paths: StorePaths, private readonly id: string, initial: ContainerState, private readonly owner: FileOwner) {
    this.engine = { enginePid: process.pid, engineStartTime: processStartTime(process.pid) };
    this.state = initial;
  }

  get current(): ContainerState {
    return this.state;
  }

  /**
   * Replaces the state; the engine's pid and start time are included while the engine lives.
   * Atomic but not fsynced: a crash ends the engine and with it what this state says.
   */
  write(next: ContainerState): Promise<void> {
    return this.enqueue({ ...next, ...this.engine }, false);
  }

  /** The final state names no engine: nothing is left running. Durable (the exit code outlives the engine). */
  writeFinal(next: ContainerState): Promise<void> {
    return this.enqueue(next, true);
  }

  private enqueue(state: ContainerState, durable: boolean): Promise<void> {
    this.state = state;
    const file = containerStatePath(this.paths, this.id);
    const text = JSON.stringify(state, null, 2) + '\n';
    const write = this.queue.then(() => (durable ? writeFileAtomic(file, text, 0o600, this.owner) : replaceFileSync(file, text, 0o600, this.owner)));
    this.queue = write.catch(() => undefined);
    return write;
  }
}
