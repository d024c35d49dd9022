/**
 * Session mode of the extract worker: one worker per pull that takes layers as they become ready,
 * instead of one worker process (a user-namespace launch and a Node start) per batch.
 * Host side: ./extract-session.ts.
 *
 * fd SESSION_COMMAND_FD: JSON lines `{"id":N,"layer":ExtractJobLayer}`; the end of this stream
 * ends the session once every layer is done. stdin: the bytes of the one layer whose blobPath is
 * STDIN_BLOB (at most one per session). stdout: one ExtractLineResult per layer, `index` = its id.
 * Exit status 0 when every layer was extracted, 1 otherwise.
 */
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { STDIN_BLOB, extractJobLayer, isExtractJob, type ExtractJobLayer, type ExtractLineResult } from './extract-job';

/** The worker's fd that carries the session's commands (fd 3 is the launcher's sync socket). */
export const SESSION_COMMAND_FD = 4;
/** argv[2] of the worker in session mode. */
export const SESSION_FLAG = '--session';
/** Layers extracted from blob files at the same time (the streamed layer comes on top). */
const FILE_LAYERS_AT_ONCE = 2;

export interface SessionCommand {
  readonly id: number;
  readonly layer: ExtractJobLayer;
}

export function isSessionCommand(v: unknown): v is SessionCommand {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return Number.isInteger(c.id) && (c.id as number) >= 0 && isExtractJob({ layers: [c.layer] });
}

/** Runs every command of `commands` until it ends. True if every layer succeeded. */
export async function runExtractSession(commands: Readable, emit: (line: ExtractLineResult) => void, onMalformed: (line: string) => void): Promise<boolean> {
  let allOk = true;
  let fileSlots = FILE_LAYERS_AT_ONCE;
  const waitingForSlot: (() => void)[] = [];
  const running = new Set<Promise<void>>();
  const run = async (command: SessionCommand): Promise<void> => {
    const fromFile = command.layer.blobPath !== STDIN_BLOB;
    if (fromFile) {
      if (fileSlots === 0) await new Promise<void>((resolve) => waitingForSlot.push(resolve));
      else fileSlots--;
    }
    try {
      if (!(await extractJobLayer(command.id, command.layer, emit))) allOk = false;
    } finally {
      if (fromFile) {
        const next = waitingForSlot.shift();
        if (next) next();
        else fileSlots++;
      }
    }
  };
  for await (const line of readline.createInterface({ input: commands, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    let command: unknown;
    try {
      command = JSON.parse(line);
    } catch {
      command = undefined;
    }
    if (!isSessionCommand(command)) {
      allOk = false;
      onMalformed(line);
      continue;
    }
    const job = run(command).finally(() => running.delete(job));
    running.add(job);
  }
  await Promise.all(running);
  return allOk;
}
