/* eslint-disable @typescript-eslint/no-require-imports */
import type { CommandModule } from 'yargs';

/**
 * Every top-level command, loaded lazily: `tsctr ps` must not pay for loading the registry client.
 * Each module under ./commands exports `command`, a yargs CommandModule.
 * test/command-table.test.ts checks that every entry loads and names itself consistently.
 */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => { command: CommandModule<object, never> };
}

export const commandTable: readonly CommandEntry[] = [
  { name: 'version', load: () => require('./commands/version') },
  { name: 'unshare', load: () => require('./commands/unshare') },
  { name: 'run', load: () => require('./commands/run') },
  { name: 'create', load: () => require('./commands/create') },
  { name: 'start', load: () => require('./commands/start') },
  { name: 'ps', load: () => require('./commands/ps') },
  { name: 'stop', load: () => require('./commands/stop') },
  { name: 'kill', load: () => require('./commands/kill') },
  { name: 'rm', load: () => require('./commands/rm') },
  { name: 'wait', load: () => require('./commands/wait') },
  { name: 'logs', load: () => require('./commands/logs') },
  { name: 'inspect', load: () => require('./commands/inspect') },
  { name: 'container', load: () => require('./commands/container') },
  { name: 'rename', load: () => require('./commands/rename') },
  { name: 'pull', load: () => require('./commands/pull') },
  { name: 'images', load: () => require('./commands/images') },
  { name: 'rmi', load: () => require('./commands/rmi') },
  { name: 'tag', load: () => require('./commands/tag') },
  { name: 'login', load: () => require('./commands/login') },
  { name: 'logout', load: () => require('./commands/logout') },
  { name: 'image', load: () => require('./commands/image') },
  { name: 'info', load: () => require('./commands/info') },
  { name: 'volume', load: () => require('./commands/volume') },
  { name: 'stats', load: () => require('./commands/stats') },
  { name: 'update', load: () => require('./commands/update') },
  { name: 'exec', load: () => require('./commands/exec') },
  { name: 'attach', load: () => require('./commands/attach') },
  { name: 'cp', load: () => require('./commands/cp') },
  { name: 'top', load: () => require('./commands/top') },
  { name: 'diff', load: () => require('./commands/diff') },
  { name: 'port', load: () => require('./commands/port') },
];
