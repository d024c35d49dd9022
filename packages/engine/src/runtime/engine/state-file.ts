/** The engine's writes of state.json: atomic, and in order (the engine is the only writer while it lives). */
import type { StorePaths } from '../../storage/paths';
import type { ContainerState } from '../container-types';
import { writeContainerState } from '../containers/records';
import { processStartTime } from '../containers/liveness';

export class StateWriter {
  private state: ContainerState;
  private readonly engine: Pick<ContainerState, 'enginePid' | 'engineStartTime'>;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly paths: StorePaths, private readonly id: string, initial: ContainerState) {
    this.engine = { enginePid: process.pid, engineStartTime: processStartTime(process.pid) };
    this.state = initial;
  }

  get current(): ContainerState {
    return this.state;
  }

  /** Replaces the state; the engine's pid and start time are included while the engine lives. */
  write(next: ContainerState): Promise<void> {
    return this.enqueue({ ...next, ...this.engine });
  }

  /** The final state names no engine: nothing is left running. */
  writeFinal(next: ContainerState): Promise<void> {
    return this.enqueue(next);
  }

  private enqueue(state: ContainerState): Promise<void> {
    this.state = state;
    const write = this.queue.then(() => writeContainerState(this.paths, this.id, state));
    this.queue = write.catch(() => undefined);
    return write;
  }
}
