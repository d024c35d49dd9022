/**
 * Start-up timestamps for profiling: with `TSCTR_TRACE=1` one stderr line per phase (the engine's
 * stderr is its engine.log), with `TSCTR_TRACE=/abs/file` appended to that file, so the CLI's and
 * the engine's lines (which outlive a --rm container's engine.log) land in one place. Times are
 * CLOCK_MONOTONIC in ms, comparable between processes. A no-op when the variable is not set.
 */
import * as fs from 'node:fs';

const setting = process.env.TSCTR_TRACE;
let started = false;

function emit(line: string): void {
  try {
    if (setting === '1') process.stderr.write(line);
    else if (setting?.startsWith('/')) fs.appendFileSync(setting, line);
  } catch {
    // Tracing never breaks the program (an engine whose ids are not mapped yet cannot create the file).
  }
}

export function trace(phase: string): void {
  if (!setting) return;
  const now = Number(process.hrtime.bigint() / 1000n) / 1000;
  if (!started) {
    started = true;
    // performance.now() counts from the process's start: its Node start-up shows too.
    emit(`tsctr-trace ${process.pid} process-start ${(now - performance.now()).toFixed(1)}\n`);
  }
  emit(`tsctr-trace ${process.pid} ${phase} ${now.toFixed(1)}\n`);
}
