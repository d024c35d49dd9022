/**
 * Whether the engine recorded in a state file is still alive. A running container whose engine is
 * gone (killed with SIGKILL, machine crash) is reported as exited: the shim gives the payload
 * PDEATHSIG=SIGKILL, so the payload died with the engine, and its exit code is 137 (128+SIGKILL).
 */
import type { ContainerState } from '../container-types';
import { processStartTime } from '../../sys/proc';

export { parseStatStartTime, parseStatState, processStartTime } from '../../sys/proc';

/** Exit code recorded when the engine died without recording the payload's status. */
export const ENGINE_LOST_EXIT_CODE = 137;
export const ENGINE_LOST_ERROR = 'the container engine process ended unexpectedly';

export type StartTimeProbe = (pid: number) => string | undefined;

/** True when the state names an engine that is still the same running process. */
export function engineAlive(state: ContainerState, probe: StartTimeProbe = processStartTime): boolean {
  if (state.enginePid === undefined) return false;
  const started = probe(state.enginePid);
  return started !== undefined && (state.engineStartTime === undefined || started === state.engineStartTime);
}

/**
 * Pure given the probe: the state to report. A running or stopping container without a live engine
 * becomes exited with ENGINE_LOST_EXIT_CODE; anything else is returned unchanged.
 */
export function effectiveState(state: ContainerState, now: Date, probe: StartTimeProbe = processStartTime): ContainerState {
  if (state.status !== 'running' && state.status !== 'stopping') return state;
  if (engineAlive(state, probe)) return state;
  return {
    ...state,
    status: 'exited',
    // pid is kept: removal uses it to end a payload that outlived its engine (see remove.ts).
    enginePid: undefined,
    engineStartTime: undefined,
    exitCode: state.exitCode ?? ENGINE_LOST_EXIT_CODE,
    finishedAt: state.finishedAt ?? now.toISOString(),
    error: state.error ?? ENGINE_LOST_ERROR,
  };
}

/** True when the stored state differs from what effectiveState reports (it should be rewritten). */
export const isStale = (stored: ContainerState, effective: ContainerState): boolean => stored.status !== effective.status;
