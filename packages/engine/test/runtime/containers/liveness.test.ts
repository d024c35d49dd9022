import { ENGINE_LOST_EXIT_CODE, effectiveState, engineAlive, parseStatStartTime, parseStatState, processStartTime } from '../../../src/runtime/containers/liveness';
import type { ContainerState } from '../../../src/runtime/container-types';

const now = new Date('2024-05-01T10:00:00Z');

describe('parseStatStartTime', () => {
  it('reads field 22 even when the command name has spaces and parentheses', () => {
    const fields = Array.from({ length: 20 }, (_, i) => String(i + 3));
    fields[19] = '987654';
    expect(parseStatStartTime(`42 (my (odd) name) ${fields.join(' ')} 23 24`)).toBe('987654');
  });

  it('matches this process\'s own /proc entry', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
  });
});

describe('effectiveState', () => {
  const running: ContainerState = { status: 'running', pid: 10, enginePid: 20, engineStartTime: '555', startedAt: '2024-05-01T09:00:00Z' };

  it('keeps a running state whose engine is the same process', () => {
    expect(effectiveState(running, now, () => '555')).toBe(running);
  });

  it('reports exited (137, engine lost) when the engine is gone', () => {
    const s = effectiveState(running, now, () => undefined);
    expect(s).toMatchObject({ status: 'exited', exitCode: ENGINE_LOST_EXIT_CODE, finishedAt: now.toISOString(), startedAt: running.startedAt });
    expect(s.enginePid).toBeUndefined();
    expect(s.error).toMatch(/engine/);
  });

  it('treats a reused pid (other start time) as a dead engine', () => {
    expect(effectiveState(running, now, () => '999').status).toBe('exited');
    expect(engineAlive(running, () => '999')).toBe(false);
  });

  it('leaves created and exited states alone', () => {
    const created: ContainerState = { status: 'created' };
    const exited: ContainerState = { status: 'exited', exitCode: 3 };
    expect(effectiveState(created, now, () => undefined)).toBe(created);
    expect(effectiveState(exited, now, () => undefined)).toBe(exited);
  });
});

describe('parseStatState', () => {
  it('reads the state letter after the command name', () => {
    expect(parseStatState('42 (a) b) Z 1 2 3')).toBe('Z');
  });
});
