import type { ContainerRecord } from '@tsctr/engine/runtime/containers/records';
import { commandText, statusText } from '../src/container-status';
import { psJson, renderPsTable } from '../src/ps-table';

const now = new Date('2024-05-01T10:00:10Z');

describe('statusText', () => {
  it.each([
    [{ status: 'created' }, 'Created'],
    [{ status: 'running', startedAt: '2024-05-01T10:00:07Z' }, 'Up 3 seconds'],
    [{ status: 'exited', exitCode: 0, finishedAt: '2024-05-01T10:00:08Z' }, 'Exited (0) 2 seconds ago'],
    [{ status: 'exited', exitCode: 137, finishedAt: '2024-05-01T09:59:10Z' }, 'Exited (137) About a minute ago'],
    [{ status: 'stopping' }, 'Stopping'],
  ] as const)('%p -> %s', (state, text) => {
    expect(statusText(state, now)).toBe(text);
  });
});

describe('commandText', () => {
  it('keeps short commands and cuts long ones to 17 characters plus ...', () => {
    expect(commandText(['sleep', '1000'], false)).toBe('sleep 1000');
    expect(commandText(['sh', '-c', 'while true; do date; done'], false)).toBe('sh -c while true;...');
    expect(commandText(['sh', '-c', 'while true; do date; done'], true)).toBe('sh -c while true; do date; done');
  });
});

describe('ps table', () => {
  const record = {
    config: {
      id: 'abcdef0123456789'.repeat(4), name: 'web', created: '2024-05-01T10:00:00Z',
      image: { id: 'i', name: 'localhost:5000/busybox:latest', layers: [] }, process: { args: ['sleep', '1000'] }, labels: {}, autoRemove: false,
    },
    state: { status: 'running', pid: 42, startedAt: '2024-05-01T10:00:07Z' },
  } as unknown as ContainerRecord;

  it('has podman\'s columns and short ids', () => {
    const lines = renderPsTable([record], now, false).split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(lines[1]).toMatch(/^abcdef012345\s+localhost:5000\/busybox:latest\s+sleep 1000\s+10 seconds ago\s+Up 3 seconds\s+web$/);
  });

  it('--no-trunc shows the full id', () => {
    expect(renderPsTable([record], now, true)).toContain(record.config.id);
  });

  it('JSON uses podman\'s field names', () => {
    expect(psJson(record, now)).toMatchObject({ Id: record.config.id, Names: ['web'], State: 'running', Status: 'Up 3 seconds', Pid: 42, Command: ['sleep', '1000'] });
  });
});
