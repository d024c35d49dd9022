/** stop, kill and wait on containers, through the engine's control socket and the state file. */
import { setTimeout as sleep } from 'node:timers/promises';
import { TsctrError } from '../../errors';
import type { StorePaths } from '../../storage/paths';
import type { ContainerState } from '../container-types';
import { requestEngine } from './control-client';
import { readContainerState } from './records';
import { persistEffectiveState, type ContainerRecord } from './store';
import { effectiveState, engineAlive } from './liveness';
import { parseSignal } from './signals';

/**
 * The state file is polled from every 5 ms, doubling up to every 50 ms: a killed or stopped
 * container usually reports within tens of milliseconds, and `rm -f` or `stop` should not wait
 * out a whole interval for it; a long `wait` still reads the file only 20 times a second.
 */
const FIRST_POLL_MS = 5;
const POLL_MS = 50;
const nextPoll = (ms: number): number => Math.min(ms * 2, POLL_MS);
/** Extra time, past the stop timeout, the engine gets to report before it is killed itself. */
const ENGINE_GRACE_MS = 5000;

/** A container with a live engine: running, stopping, or started and waiting for its attach. */
export function hasLiveEngine(state: ContainerState): boolean {
  return state.status !== 'exited' && state.status !== 'removing' && engineAlive(state);
}

/**
 * Waits until the container is no longer running (with `untilExited`: until it has run and exited,
 * as `wait` does for a created container): resolves with its final state, or undefined when the
 * record disappeared (removed, e.g. by --rm). `deadline` is a Date.now() value.
 */
export async function waitForStop(p: StorePaths, id: string, deadline = Infinity, opts: { untilExited?: boolean } = {}): Promise<ContainerState | undefined> {
  for (let delay = FIRST_POLL_MS; ; delay = nextPoll(delay)) {
    const stored = await readContainerState(p, id).catch(() => undefined);
    if (!stored) return undefined;
    const state = effectiveState(stored, new Date());
    if (state.status === 'exited' || (!opts.untilExited && state.status === 'created' && !engineAlive(state))) return state;
    if (Date.now() >= deadline) return state;
    await sleep(delay);
  }
}

function killEngine(state: ContainerState): void {
  if (state.enginePid === undefined) return;
  try {
    process.kill(state.enginePid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Stops a running container: the engine sends the stop signal, then SIGKILL after `timeout`
 * seconds. If the engine itself does not finish, it is killed (the payload dies with it through
 * PDEATHSIG). A container that is not running is left as it is.
 */
export async function stopContainer(p: StorePaths, record: ContainerRecord, timeoutSeconds = record.config.stopTimeout): Promise<void> {
  const id = record.config.id;
  if (!hasLiveEngine(record.state)) {
    await persistEffectiveState(p, id).catch(() => undefined);
    return;
  }
  try {
    await requestEngine(p, id, { op: 'stop', timeout: timeoutSeconds });
  } catch {
    // the engine may already be going away; the wait below decides
  }
  const state = await waitForStop(p, id, Date.now() + timeoutSeconds * 1000 + ENGINE_GRACE_MS);
  if (state && hasLiveEngine(state)) {
    killEngine(state);
    await waitForStop(p, id, Date.now() + ENGINE_GRACE_MS);
  }
  await persistEffectiveState(p, id).catch(() => undefined);
}

/** Sends a signal to the payload (through the engine). Only running containers can be signalled. */
export async function killContainer(p: StorePaths, record: ContainerRecord, signal: string): Promise<void> {
  const { name } = parseSignal(signal, 'signal');
  if (record.state.status !== 'running' || !engineAlive(record.state)) {
    throw new TsctrError(`can only kill running containers. ${record.config.id} is in state ${record.state.status}: container state improper`);
  }
  await requestEngine(p, record.config.id, { op: 'kill', signal: name });
}

/** Kills the engine outright (rm -f of a container whose engine does not answer). */
export async function forceKill(p: StorePaths, record: ContainerRecord): Promise<void> {
  const id = record.config.id;
  if (!hasLiveEngine(record.state)) return;
  try {
    await requestEngine(p, id, { op: 'kill', signal: 'SIGKILL' });
  } catch {
    // fall back to killing the engine below
  }
  let state = await waitForStop(p, id, Date.now() + ENGINE_GRACE_MS);
  if (state && hasLiveEngine(state)) {
    killEngine(state);
    state = await waitForStop(p, id, Date.now() + ENGINE_GRACE_MS);
  }
}

/** Waits until the container's engine has ended (or its record is gone), up to `deadline`. */
export async function waitForEngineExit(p: StorePaths, id: string, deadline = Infinity): Promise<void> {
  for (let delay = FIRST_POLL_MS; ; delay = nextPoll(delay)) {
    const state = await readContainerState(p, id).catch(() => undefined);
    if (!state || !engineAlive(state) || Date.now() >= deadline) return;
    await sleep(delay);
  }
}
