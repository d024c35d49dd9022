/**
 * Reading a container's k8s-file log (ctr.log) for `logs`: selecting records (--since, --tail),
 * rendering them (with -t timestamps), and following the file while the container runs.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TsctrError } from '../../errors';
import { parseLogRecord, type LogRecord } from '../engine/k8s-log';

export interface LogSelection {
  /** Only records at or after this time. */
  readonly since?: Date;
  /** Only the last N lines (full lines: a run of P records plus its F record counts once). */
  readonly tail?: number;
}

/** Pure: --since as podman takes it: RFC 3339 time, Unix seconds, or a duration like 10m, 1h30m, 5s. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  const duration = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (duration && v !== '') {
    const ms = (Number(duration[1] ?? 0) * 3600 + Number(duration[2] ?? 0) * 60 + Number(duration[3] ?? 0)) * 1000;
    return new Date(now.getTime() - ms);
  }
  const time = Date.parse(v);
  if (!Number.isNaN(time)) return new Date(time);
  throw new TsctrError(`invalid --since "${value}": use a time like 2024-05-01T10:00:00Z, Unix seconds, or a duration like 10m`);
}

/** Pure: --tail N; "-1" or "all"-style negatives mean everything. */
export function parseTail(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new TsctrError(`invalid --tail "${value}": give a whole number of lines`);
  return n < 0 ? undefined : n;
}

/** Pure: whole records of a log text (a trailing line without its newline is still being written). */
export function splitRecords(text: string): { records: LogRecord[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const records: LogRecord[] = [];
  for (const line of lines) {
    const r = parseLogRecord(line);
    if (r) records.push(r);
  }
  return { records, rest };
}

/** Nanosecond timestamps compare correctly as Dates to the millisecond, which is what --since needs. */
const recordTime = (r: LogRecord): number => Date.parse(r.timestamp);

/** Pure: the records a selection keeps. */
export function selectRecords(records: readonly LogRecord[], sel: LogSelection): LogRecord[] {
  let kept = sel.since ? records.filter((r) => recordTime(r) >= sel.since!.getTime()) : [...records];
  if (sel.tail !== undefined) {
    let lines = 0;
    let start = kept.length;
    while (start > 0) {
      const r = kept[start - 1];
      if (!r.partial) {
        if (lines === sel.tail) break;
        lines++;
      }
      start--;
    }
    kept = kept.slice(start);
  }
  return kept;
}

/** Pure: the bytes one record prints as (with -t, podman's timestamp prefix on each line's first part). */
export function renderRecord(r: LogRecord, withTimestamps: boolean, atLineStart: boolean): string {
  const prefix = withTimestamps && atLineStart ? `${r.timestamp} ` : '';
  return `${prefix}${r.text}${r.partial ? '' : '\n'}`;
}

export interface LogWriter {
  (stream: 'stdout' | 'stderr', text: string): void;
}

/**
 * Prints the selected records; with `follow`, keeps reading new records until `stillRunning()`
 * returns false (checked after the file stops growing), then prints what remains.
 */
export async function printLogs(file: string, sel: LogSelection, opts: { timestamps: boolean; follow: boolean; stillRunning: () => Promise<boolean>; write: LogWriter; pollMs?: number }): Promise<void> {
  let offset = 0;
  let rest = '';
  let atLineStart = { stdout: true, stderr: true };
  const emit = (records: readonly LogRecord[]): void => {
    for (const r of records) {
      opts.write(r.stream, renderRecord(r, opts.timestamps, atLineStart[r.stream]));
      atLineStart = { ...atLineStart, [r.stream]: !r.partial };
    }
  };
  const readMore = async (): Promise<LogRecord[]> => {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      if (size <= offset) return [];
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      const parsed = splitRecords(rest + buf.subarray(0, bytesRead).toString('utf8'));
      rest = parsed.rest;
      return parsed.records;
    } finally {
      await handle.close();
    }
  };
  emit(selectRecords(await readMore(), sel));
  if (!opts.follow) return;
  const since = sel.since;
  for (;;) {
    const running = await opts.stillRunning();
    const more = await readMore();
    emit(since ? more.filter((r) => recordTime(r) >= since.getTime()) : more);
    if (!running && more.length === 0) return;
    if (more.length === 0) await sleep(opts.pollMs ?? 100);
  }
}
