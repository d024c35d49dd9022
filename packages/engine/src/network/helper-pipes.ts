/**
 * The network helper's exit and liveness pipes, made before the engine's launch (the engine holds
 * one end of each). Apart from launch-container.ts so that `run`'s pre-launch loads only this.
 */
import * as fs from 'node:fs';
import { pipe2 } from '../sys/fd';
import type { EngineNetworkLaunch } from '../runtime/containers/launch-engine';

/** The helper's exit and liveness pipes (docs/architecture.md, "Networking"). */
export interface HelperPipes {
  readonly exitRead: number;
  readonly holdWrite: number;
  readonly aliveRead: number;
  readonly aliveWrite: number;
}

export function helperPipes(): HelperPipes {
  const [exitRead, holdWrite] = pipe2();
  const [aliveRead, aliveWrite] = pipe2();
  return { exitRead, holdWrite, aliveRead, aliveWrite };
}

/** The engine's launch for slirp4netns and pasta: a network namespace of its own, holding the helper's pipes. */
export function networkedEngineLaunch(pipes: HelperPipes): EngineNetworkLaunch {
  return { unshare: ['mnt', 'net', 'uts', 'ipc'], fds: { hold: pipes.holdWrite, alive: pipes.aliveRead } };
}

/** After the engine's launch: only the engine holds its ends from now on. */
export function engineHasHelperPipes(pipes: HelperPipes): void {
  fs.closeSync(pipes.holdWrite);
  fs.closeSync(pipes.aliveRead);
}

/** The CLI's ends (the helper got its own copies, or never started). */
export function closeHelperPipes(pipes: HelperPipes): void {
  fs.closeSync(pipes.exitRead);
  fs.closeSync(pipes.aliveWrite);
}
