/**
 * The engine's hand-over to the lean monitor (docs/architecture.md, "Engine", "Lean monitor").
 * Once a container runs and nobody is connected, the engine, which loaded koffi, the mount code,
 * the policy compiler and their heap, replaces itself by execve (same pid, same start time, same
 * namespaces and mounts) with monitor-main: a Node program that loads only what a running
 * container needs at rest and inherits exactly the descriptors listed here (close-on-exec is
 * cleared on these and stays on every other one).
 */
import type { ContainerState } from '../container-types';
import { entryPointPath } from '../../install-layout';
import { execve, setCloseOnExec } from '../../sys/exec';
import type { FileOwner } from './state-file';
import type { ParentStdioFds } from './stdio';

/** What the monitor needs, passed as one JSON argument. */
export interface MonitorHandoff {
  readonly root: string;
  readonly runroot: string;
  readonly id: string;
  /** The container's root filesystem as mounted in the engine's mount namespace. */
  readonly merged: string;
  /** Host pid of the container's PID 1. */
  readonly pid: number;
  readonly state: ContainerState;
  readonly owner: FileOwner;
  readonly cgroupDir?: string;
  readonly fds: MonitorFds;
}

export interface MonitorFds {
  /** The control socket (listening). */
  readonly listen: number;
  /** Read end of the init's status pipe. */
  readonly status: number;
  /** ctr.log, opened for appending. */
  readonly log: number;
  /** The sealed memfd copy of tsctr-shim (exec sessions run it). */
  readonly shim: number;
  readonly stdio: ParentStdioFds;
  readonly netHold?: number;
  readonly netAlive?: number;
  readonly cgroup?: number;
}

/** Set to 0 to keep the full engine for the container's whole life (debugging). */
export const LEAN_MONITOR_ENV = 'TSCTR_LEAN_MONITOR';

/** How long a started container must stay without clients before the engine hands over. */
export const HANDOFF_IDLE_MS = 300;

/** Pure: every descriptor the monitor inherits. */
export function inheritedFds(fds: MonitorFds): number[] {
  const stdio = fds.stdio.kind === 'pty' ? [fds.stdio.master] : [fds.stdio.stdout, fds.stdio.stderr, ...(fds.stdio.stdin !== undefined ? [fds.stdio.stdin] : [])];
  return [fds.listen, fds.status, fds.log, fds.shim, ...stdio, ...[fds.netHold, fds.netAlive, fds.cgroup].filter((fd): fd is number => fd !== undefined)];
}

/** Pure: the monitor's argv. */
export function monitorArgv(handoff: MonitorHandoff, node = process.execPath, main = entryPointPath('monitor-main')): string[] {
  return [node, main, JSON.stringify(handoff)];
}

/** Pure: the hand-over from the monitor's argv[2], or an Error naming what is wrong. */
export function parseHandoff(text: string | undefined): MonitorHandoff {
  if (text === undefined) throw new Error('monitor: missing the hand-over argument (monitor-main is started by the engine only)');
  const value = JSON.parse(text) as Partial<MonitorHandoff>;
  const fds = value.fds;
  if (typeof value.root !== 'string' || typeof value.runroot !== 'string' || typeof value.id !== 'string' || typeof value.merged !== 'string' || typeof value.pid !== 'number' || !value.state || !value.owner || !fds || typeof fds.listen !== 'number' || typeof fds.status !== 'number' || typeof fds.log !== 'number' || typeof fds.shim !== 'number' || !fds.stdio) {
    throw new Error('monitor: malformed hand-over');
  }
  return value as MonitorHandoff;
}

/** Replaces the engine with the monitor; returns only by throwing (then the engine carries on). */
export function handOffToMonitor(handoff: MonitorHandoff): never {
  const fds = inheritedFds(handoff.fds);
  for (const fd of fds) setCloseOnExec(fd, false);
  try {
    const [file, ...rest] = monitorArgv(handoff);
    return execve(file as string, [file as string, ...rest], process.env);
  } catch (err) {
    for (const fd of fds) setCloseOnExec(fd, true);
    throw err;
  }
}
