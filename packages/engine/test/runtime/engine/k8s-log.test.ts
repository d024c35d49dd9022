import { LogClock, formatLogRecords, formatLogTimestamp, parseLogRecord } from '../../../src/runtime/engine/k8s-log';

const TS = '2024-05-01T10:20:30.123000000Z';

describe('k8s-file log records', () => {
  it('formats timestamps with nanoseconds in UTC', () => {
    expect(formatLogTimestamp(new Date(Date.UTC(2024, 4, 1, 10, 20, 30, 123)))).toBe(TS);
    expect(formatLogTimestamp(new Date(Date.UTC(2024, 4, 1, 10, 20, 30, 5)), 42)).toBe('2024-05-01T10:20:30.005000042Z');
  });
  it('writes one F record per full line', () => {
    expect(formatLogRecords('stdout', Buffer.from('a\nbc\n'), TS).toString()).toBe(`${TS} stdout F a\n${TS} stdout F bc\n`);
  });
  it('marks a trailing partial line P', () => {
    expect(formatLogRecords('stderr', Buffer.from('x\nprompt$ '), TS).toString()).toBe(`${TS} stderr F x\n${TS} stderr P prompt$ \n`);
  });
  it('keeps empty lines', () => {
    expect(formatLogRecords('stdout', Buffer.from('\n'), TS).toString()).toBe(`${TS} stdout F \n`);
  });
  it('round-trips through parseLogRecord', () => {
    const [line] = formatLogRecords('stderr', Buffer.from('hello world'), TS).toString().split('\n');
    expect(parseLogRecord(line as string)).toEqual({ timestamp: TS, stream: 'stderr', partial: true, text: 'hello world' });
    expect(parseLogRecord('garbage')).toBeUndefined();
  });
});

describe('LogClock', () => {
  it('never goes backwards', () => {
    const clock = new LogClock();
    const stamps = Array.from({ length: 200 }, () => clock.now());
    expect([...stamps].sort()).toEqual(stamps);
    expect(stamps[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });
});
