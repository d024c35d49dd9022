import { commandTable } from '../src/command-table';
import { findCommandName } from '../src/main';

describe('command table', () => {
  it.each(commandTable.map((c) => [c.name, c] as const))('%s loads and declares itself under that name', (name, entry) => {
    const { command } = entry.load();
    const declared = Array.isArray(command.command) ? command.command[0] : command.command;
    expect(typeof declared).toBe('string');
    expect(String(declared).split(/\s+/)[0]).toBe(name);
    expect(typeof command.describe).toBe('string');
  });

  it('has no duplicate names', () => {
    const names = commandTable.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('findCommandName', () => {
  it('skips global options and their values', () => {
    expect(findCommandName(['--root', '/x', '--runroot', '/y', 'ps', '-a'])).toBe('ps');
    expect(findCommandName(['--log-level', 'debug', 'run', '--rm', 'img'])).toBe('run');
  });
  it('returns undefined when there is no command word', () => {
    expect(findCommandName(['--help'])).toBeUndefined();
    expect(findCommandName([])).toBeUndefined();
  });
});
