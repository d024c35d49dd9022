import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSince, parseTail, printLogs, renderRecord, selectRecords, splitRecords } from '../../../src/runtime/containers/log-reader';

const log = [
  '2024-05-01T10:00:00.000000001Z stdout F one',
  '2024-05-01T10:00:01.000000000Z stderr F err',
  '2024-05-01T10:00:02.000000000Z stdout P par',
  '2024-05-01T10:00:02.500000000Z stdout F tial',
  '2024-05-01T10:00:03.000000000Z stdout F three',
].join('\n') + '\n';

describe('log selection', () => {
  const { records } = splitRecords(log);
  it('parses whole records and keeps an unfinished line back', () => {
    expect(splitRecords('2024-05-01T10:00:00Z stdout F a\n2024-05-01T10').rest).toBe('2024-05-01T10');
    expect(records).toHaveLength(5);
  });
  it('--tail counts full lines (a partial record and its end are one line)', () => {
    expect(selectRecords(records, { tail: 2 }).map((r) => r.text)).toEqual(['par', 'tial', 'three']);
    expect(selectRecords(records, { tail: 0 })).toEqual([]);
  });
  it('--since keeps records at or after the time', () => {
    expect(selectRecords(records, { since: new Date('2024-05-01T10:00:02Z') }).map((r) => r.text)).toEqual(['par', 'tial', 'three']);
  });
  it('renders timestamps only at line starts', () => {
    expect(renderRecord(records[2], true, true)).toBe('2024-05-01T10:00:02.000000000Z par');
    expect(renderRecord(records[3], true, false)).toBe('tial\n');
  });
});

describe('parseSince / parseTail', () => {
  const now = new Date('2024-05-01T10:00:00Z');
  it('takes durations, unix seconds and RFC 3339', () => {
    expect(parseSince('10m', now).toISOString()).toBe('2024-05-01T09:50:00.000Z');
    expect(parseSince('1h30m', now).toISOString()).toBe('2024-05-01T08:30:00.000Z');
    expect(parseSince('1714557600', now).toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseSince('2024-05-01T09:00:00Z', now).toISOString()).toBe('2024-05-01T09:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow(/invalid --since/);
  });
  it('tail: negative means all, text is refused', () => {
    expect(parseTail('-1')).toBeUndefined();
    expect(parseTail('3')).toBe(3);
    expect(() => parseTail('x')).toThrow(/invalid --tail/);
  });
});

describe('printLogs', () => {
  it('writes stdout and stderr records to their own streams', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'logs-')), 'ctr.log');
    fs.writeFileSync(file, log);
    const out: string[] = [];
    await printLogs(file, {}, { timestamps: false, follow: false, stillRunning: async () => false, write: (s, t) => out.push(`${s}:${t}`) });
    expect(out.join('')).toBe('stdout:one\nstderr:err\nstdout:parstdout:tial\nstdout:three\n');
  });
  it('follows a growing file until the container is gone', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'logs-')), 'ctr.log');
    fs.writeFileSync(file, '2024-05-01T10:00:00Z stdout F a\n');
    let polls = 0;
    const out: string[] = [];
    await printLogs(file, {}, {
      timestamps: false, follow: true, pollMs: 1, write: (_s, t) => out.push(t),
      stillRunning: async () => {
        polls++;
        if (polls === 2) fs.appendFileSync(file, '2024-05-01T10:00:01Z stdout F b\n');
        return polls < 3;
      },
    });
    expect(out).toEqual(['a\n', 'b\n']);
  });
});
