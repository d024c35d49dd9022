import { inheritedFds, monitorArgv, parseHandoff, type MonitorHandoff } from '../../../src/runtime/engine/monitor-handoff';

const handoff: MonitorHandoff = {
  root: '/data',
  runroot: '/run/tsctr',
  id: 'a'.repeat(64),
  merged: '/data/containers/x/merged',
  pid: 4242,
  state: { status: 'running', pid: 4242, startedAt: '2026-01-01T00:00:00.000Z' },
  owner: { uid: 0, gid: 0 },
  fds: { listen: 20, status: 21, log: 18, shim: 27, stdio: { kind: 'pipes', stdout: 4, stderr: 6 } },
};

describe('inheritedFds', () => {
  it('lists the socket, status, log, shim and both output pipes', () => {
    expect(inheritedFds(handoff.fds).sort((a, b) => a - b)).toEqual([4, 6, 18, 20, 21, 27]);
  });

  it('adds stdin, the network helper pipes and the cgroup when present', () => {
    const fds = { ...handoff.fds, stdio: { kind: 'pipes' as const, stdout: 4, stderr: 6, stdin: 9 }, netHold: 5, netAlive: 7, cgroup: 30 };
    expect(inheritedFds(fds).sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 9, 18, 20, 21, 27, 30]);
  });

  it('takes only the master of a terminal', () => {
    expect(inheritedFds({ ...handoff.fds, stdio: { kind: 'pty', master: 11 } }).sort((a, b) => a - b)).toEqual([11, 18, 20, 21, 27]);
  });
});

describe('monitorArgv and parseHandoff', () => {
  it('round-trips the hand-over through the monitor argv', () => {
    const argv = monitorArgv(handoff, '/usr/bin/node', '/opt/monitor-main.js');
    expect(argv.slice(0, 2)).toEqual(['/usr/bin/node', '/opt/monitor-main.js']);
    expect(parseHandoff(argv[2])).toEqual(handoff);
  });

  it('refuses a missing or incomplete hand-over', () => {
    expect(() => parseHandoff(undefined)).toThrow(/missing the hand-over/);
    const { fds, ...withoutFds } = handoff;
    void fds;
    expect(() => parseHandoff(JSON.stringify(withoutFds))).toThrow(/malformed/);
    expect(() => parseHandoff(JSON.stringify({ ...handoff, fds: { ...handoff.fds, status: 'x' } }))).toThrow(/malformed/);
  });
});
