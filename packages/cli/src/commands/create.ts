import type { CommandModule } from 'yargs';
import { createFromArgs } from '../create-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { addRunCreateOptions, type RunCreateArgs } from '../run-options';

export const command: CommandModule<object, RunCreateArgs & GlobalOptions> = {
  command: 'create <image> [command..]',
  describe: 'Create a container (without starting it) and print its id',
  builder: (y) => addRunCreateOptions(y) as never,
  handler: async (argv) => {
    const record = await createFromArgs(storePathsFrom(argv), argv);
    process.stdout.write(`${record.config.id}\n`);
  },
};
