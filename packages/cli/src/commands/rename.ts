import type { CommandModule } from 'yargs';
import { renameContainer } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface RenameArgs extends GlobalOptions {
  container: string;
  name: string;
}

export const command: CommandModule<object, RenameArgs> = {
  command: 'rename <container> <name>',
  describe: 'Rename a container',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true, describe: 'Current name or id' })
      .positional('name', { type: 'string', demandOption: true, describe: 'New name' }) as never,
  handler: async (argv) => {
    await renameContainer(storePathsFrom(argv), String(argv.container), String(argv.name));
  },
};
