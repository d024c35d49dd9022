import type { CommandModule } from 'yargs';
import { createFromArgs } from '../create-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { mergeGlobalOptions } from '../run-options';
import { haltAtCommand, parseRunCreateWords, wordsAfterCommand } from '../run-parser';

const USAGE = 'tsctr create [options] IMAGE [COMMAND [ARG...]]';

export const command: CommandModule<object, GlobalOptions & { _: (string | number)[] }> = {
  command: 'create',
  describe: 'Create a container (without starting it) and print its id',
  builder: (y) => haltAtCommand(y) as never,
  handler: async (outer) => {
    const parsed = parseRunCreateWords(wordsAfterCommand(outer._), USAGE, (y) => y);
    if (!parsed) return;
    const argv = mergeGlobalOptions(outer, parsed);
    const record = await createFromArgs(storePathsFrom(argv), argv);
    process.stdout.write(`${record.config.id}\n`);
  },
};
