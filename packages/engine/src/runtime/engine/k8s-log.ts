/**
 * podman's k8s-file log format: one record per line, `<RFC3339Nano> <stream> <F|P> <text>\n`.
 * F marks a full line (its newline is not stored), P a partial one (the text continues in the next
 * record: output that did not end with a newline when it was read).
 */
export type LogStream = 'stdout' | 'stderr';

/** Pure: RFC 3339 with nanoseconds in UTC, e.g. 2024-05-01T10:20:30.123456789Z. */
export function formatLogTimestamp(time: Date, extraNanos = 0): string {
  const iso = time.toISOString(); // 2024-05-01T10:20:30.123Z
  const nanos = time.getUTCMilliseconds() * 1_000_000 + (extraNanos % 1_000_000);
  return `${iso.slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/** Wall-clock time with nanosecond steps that never go backwards within one engine. */
export class LogClock {
  private readonly baseMs = Date.now();
  private readonly baseHr = process.hrtime.bigint();

  now(): string {
    const elapsed = process.hrtime.bigint() - this.baseHr;
    const ms = this.baseMs + Number(elapsed / 1_000_000n);
    return formatLogTimestamp(new Date(ms), Number(elapsed % 1_000_000n));
  }
}

/** Pure: the log records for one chunk of output read from `stream`. */
export function formatLogRecords(stream: LogStream, chunk: Buffer, timestamp: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < chunk.length) {
    const nl = chunk.indexOf(0x0a, start);
    const full = nl >= 0;
    const end = full ? nl : chunk.length;
    parts.push(Buffer.from(`${timestamp} ${stream} ${full ? 'F' : 'P'} `), chunk.subarray(start, end), Buffer.from('\n'));
    start = end + 1;
  }
  return Buffer.concat(parts);
}

export interface LogRecord {
  readonly timestamp: string;
  readonly stream: LogStream;
  readonly partial: boolean;
  readonly text: string;
}

/** Pure: parses one record line (without its newline); undefined if it is not a record. */
export function parseLogRecord(line: string): LogRecord | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s.exec(line);
  if (!m) return undefined;
  return { timestamp: m[1] as string, stream: m[2] as LogStream, partial: m[3] === 'P', text: m[4] as string };
}
