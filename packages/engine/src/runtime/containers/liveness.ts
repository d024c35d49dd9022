/**
 * Whether the engine recorded in a state file is still alive. A running container whose engine is
 * gone (killed with SIGKILL, machine crash) is reported as exited: the shim gives the payload
 * PDEATHSIG=SIGKILL, so the payload died with the engine, and its exit code is 137 (128+SIGKILL).
 */
import * as fs from 'node:fs';
import type { ContainerState } from '../container-types';

/** Exit code recorded when the engine died without recording the payload's status. */
export const ENGINE_LOST_EXIT_CODE = 137;
export const ENGINE_LOST_ERROR = 'the container engine process ended unexpectedly';

/**
 * Start time of a live process (field 22 of /proc/PID/stat, clock ticks since boot), or undefined
 * if it does not exist or is a zombie (a killed engine whose parent has not reaped it yet).
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseStatState(stat) === 'Z' || parseStatState(stat) === 'X' ? undefined : parseStatStartTime(stat);
}

/** Pure: field 3 of a /proc/PID/stat line (R, S, D, Z, X, ...). */
export function parseStatState(stat: string): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** Pure: field 22 of a /proc/PID/stat line (the command name may contain spaces and parentheses). */
export function parseStatStartTime(stat: string): string | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is at index 19.
  return afterName[19];
}

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
