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
];
