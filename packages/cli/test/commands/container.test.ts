import type { Argv, CommandModule } from 'yargs';
import { command as containerCommand } from '../../src/commands/container';

/** The subcommands `container`'s builder registers: first word of each command string, plus aliases. */
function registeredSubcommands(): Map<string, readonly string[]> {
  const registered = new Map<string, readonly string[]>();
  const recorder = {
    command(mod: CommandModule) {
      const declared = Array.isArray(mod.command) ? mod.command[0] : mod.command;
      registered.set(String(declared).split(/\s+/)[0], (mod.aliases as readonly string[] | undefined) ?? []);
      return recorder;
    },
    demandCommand: () => recorder,
  };
  const builder = containerCommand.builder as (y: Argv) => unknown;
  builder(recorder as unknown as Argv);
  return registered;
}

describe('container subcommands (podman\'s `container` management command)', () => {
  const subcommands = registeredSubcommands();

  it.each([
    'create', 'run', 'start', 'stop', 'kill', 'rm', 'wait', 'logs', 'inspect', 'rename', 'ps', 'port', 'prune',
    'exec', 'attach', 'cp', 'top', 'diff', 'stats', 'update',
  ])('container %s exists', (name) => {
    expect(subcommands.has(name)).toBe(true);
  });

  it('ps answers to ls and list, rm to remove', () => {
    expect(subcommands.get('ps')).toEqual(['ls', 'list']);
    expect(subcommands.get('rm')).toEqual(['remove']);
  });
});
