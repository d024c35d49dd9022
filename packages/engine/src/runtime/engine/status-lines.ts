/** Pure: what the shim's init reports on its status fd and error fd (docs/shim-protocol.md, init). */

export type StatusEvent =
  | { readonly kind: 'pid'; readonly pid: number }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: number };

/** `pid 123`, `exit 0`, `signal 9`; anything else -> undefined. */
export function parseStatusLine(line: string): StatusEvent | undefined {
  const m = /^(pid|exit|signal) (\d+)$/.exec(line.trim());
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === 'pid') return n > 0 ? { kind: 'pid', pid: n } : undefined;
  if (m[1] === 'exit') return n <= 255 ? { kind: 'exit', code: n } : undefined;
  return n > 0 && n < 65 ? { kind: 'signal', signal: n } : undefined;
}

/** Docker's convention: a payload killed by signal N exits with 128+N. */
export function exitCodeOf(event: { kind: 'exit'; code: number } | { kind: 'signal'; signal: number }): number {
  return event.kind === 'exit' ? event.code : 128 + event.signal;
}

export interface StartFailure {
  readonly exitCode: 125 | 126 | 127;
  readonly message: string;
}

/**
 * The error fd's `<code> <message>` line turned into a message for the user that names the
 * command. Unknown codes count as 125 (an engine-side failure).
 */
export function parseErrorLine(line: string, command: string): StartFailure | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const m = /^(\d+) (.*)$/s.exec(trimmed);
  const code = m ? Number(m[1]) : 125;
  const detail = m ? (m[2] as string) : trimmed;
  const naming = (fallback: string): string => (detail.includes(command) ? detail : `${command}: ${fallback} (${detail})`);
  if (code === 127) return { exitCode: 127, message: naming('executable file not found in $PATH or the container') };
  if (code === 126) return { exitCode: 126, message: naming('cannot be executed') };
  return { exitCode: 125, message: `starting the container process failed: ${detail}` };
}

/** Splits a byte stream into lines; call push with each chunk, get complete lines back. */
export class LineSplitter {
  private rest = '';
  push(chunk: Buffer | string): string[] {
    const text = this.rest + chunk.toString();
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }
  /** The unterminated tail, if any (at EOF). */
  flush(): string[] {
    const tail = this.rest;
    this.rest = '';
    return tail === '' ? [] : [tail];
  }
}
