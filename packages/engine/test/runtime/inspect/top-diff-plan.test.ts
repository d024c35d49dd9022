import { classifyChanges, formatChanges, whiteoutTarget, type UpperEntry } from '@tsctr/engine/runtime/inspect/diff-plan';
import { goDuration, parseDescriptors, topRows, ttyName, type ProcessFacts } from '@tsctr/engine/runtime/inspect/top-plan';
import { statFields, toContainerId } from '@tsctr/engine/runtime/inspect/top-proc';

describe('top', () => {
  const p = (over: Partial<ProcessFacts>): ProcessFacts => ({
    hostPid: 100, pid: 1, ppid: 0, hostUid: 1001, hostGid: 1001, uid: 0, gid: 0, comm: 'sh', args: ['sh', '-c', 'x y'], state: 'S',
    ttyNr: 0, pgid: 1, nice: 0, cpuSeconds: 1, elapsedSeconds: 4, vszKiB: 10, rssKiB: 4, ...over,
  });
  const names = { user: (uid: number | undefined) => (uid === 0 ? 'root' : String(uid)), group: () => 'g' };

  it('prints podman\'s default columns sorted by pid', () => {
    const rows = topRows([p({ pid: 7, ppid: 1, uid: 1000, comm: 'sleep', args: [] }), p({})], parseDescriptors([]), names);
    expect(rows).toEqual([
      ['USER', 'PID', 'PPID', '%CPU', 'ELAPSED', 'TTY', 'TIME', 'COMMAND'],
      ['root', '1', '0', '25.000', '4s', '?', '1s', 'sh -c x y'],
      ['1000', '7', '1', '25.000', '4s', '?', '1s', '[sleep]'],
    ]);
  });

  it('takes descriptors as words or comma lists and refuses unknown ones', () => {
    expect(parseDescriptors(['pid,comm', 'hpid'])).toEqual(['pid', 'comm', 'hpid']);
    expect(() => parseDescriptors(['pid', 'bogus'])).toThrow(/bogus/);
  });

  it('formats durations like Go and terminals like ps', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(1.5)).toBe('1.5s');
    expect(goDuration(125.25)).toBe('2m5.25s');
    expect(goDuration(3605)).toBe('1h0m5s');
    expect(ttyName(0)).toBe('?');
    expect(ttyName((136 << 8) | 3)).toBe('pts/3');
  });

  it('parses /proc/PID/stat with odd command names and maps ids', () => {
    expect(statFields('12 (a (b) c) S 1 12 12 0').rest.slice(0, 2)).toEqual(['S', '1']);
    expect(statFields('12 (a (b) c) S 1').comm).toBe('a (b) c');
    expect(toContainerId([{ containerId: 0, hostId: 1001, size: 1 }, { containerId: 1, hostId: 100000, size: 65536 }], 100999)).toBe(1000);
    expect(toContainerId([{ containerId: 0, hostId: 1001, size: 1 }], 5)).toBeUndefined();
  });
});

describe('diff', () => {
  it('classifies upper entries: new A, existing C, whiteouts D, opaque dirs hide the image\'s entries', () => {
    const lower = new Set(['/etc', '/etc/passwd', '/bin', '/bin/vi', '/var', '/var/a', '/var/b']);
    const entries: UpperEntry[] = [
      { path: '/bin', type: 'directory', opaque: false },
      { path: '/bin/vi', type: 'whiteout' },
      { path: '/etc', type: 'directory', opaque: false },
      { path: '/etc/passwd', type: 'other' },
      { path: '/new', type: 'other' },
      { path: '/var', type: 'directory', opaque: true },
      { path: '/var/a', type: 'other' },
      { path: '/gone', type: 'whiteout' },
    ];
    const changes = classifyChanges(entries, (p) => lower.has(p), (d) => (d === '/var' ? ['a', 'b'] : []));
    expect(formatChanges(changes)).toBe('C /bin\nD /bin/vi\nC /etc\nC /etc/passwd\nA /new\nC /var\nC /var/a\nD /var/b\n');
    expect(whiteoutTarget('.wh.x')).toBe('x');
    expect(whiteoutTarget('.wh..wh..opq')).toBeUndefined();
  });
});
