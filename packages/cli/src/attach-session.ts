/** Attaching the CLI's terminal to a container and turning the outcome into the CLI's exit code. */
import { attachToContainer } from '@tsctr/engine/runtime/containers/attach-client';
import type { ContainerConfig } from '@tsctr/engine/runtime/container-types';
import type { AttachChannel } from '@tsctr/engine/runtime/containers/launch-engine';
import type { StorePaths } from '@tsctr/engine/storage/paths';

export interface AttachFlags {
  readonly stdin: boolean;
  readonly detachKeys: Buffer;
  readonly sigProxy: boolean;
  /** The engine's ready socket pair, already attached (a --start-held run). */
  readonly channel?: AttachChannel;
}

/** Attaches and returns the exit code to use: the payload's, or 0 after a detach. */
export async function attachAndReport(paths: StorePaths, config: ContainerConfig, flags: AttachFlags): Promise<{ exitCode: number; detached: boolean }> {
  const result = await attachToContainer(paths, config.id, {
    stdin: flags.stdin,
    tty: config.process.terminal,
    detachKeys: flags.detachKeys,
    sigProxy: flags.sigProxy,
    ...(flags.channel && { channel: flags.channel }),
  });
  if (result.kind === 'detached') {
    process.stderr.write('\n');
    return { exitCode: 0, detached: true };
  }
  if (result.report.error) process.stderr.write(`Error: ${result.report.error}\n`);
  return { exitCode: result.report.exitCode, detached: false };
}
