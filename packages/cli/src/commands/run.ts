import type { CommandModule } from 'yargs';
import { trace } from '@tsctr/engine/trace';
import type { GlobalOptions } from '../global-options';
import { runContainer } from '../run-container';
import { mergeGlobalOptions } from '../run-options';
import { addRunOnlyOptions, haltAtCommand, parseRunCreateWords, wordsAfterCommand } from '../run-parser';

const USAGE = 'tsctr run [options] IMAGE [COMMAND [ARG...]]';

export const command: CommandModule<object, GlobalOptions & { _: (string | number)[] }> = {
  command: 'run',
  describe: 'Create a container from an image, start it and attach to it',
  builder: (y) => haltAtCommand(y) as never,
  handler: async (outer) => {
    trace('cli-handler');
    const parsed = parseRunCreateWords(wordsAfterCommand(outer._), USAGE, addRunOnlyOptions);
    if (!parsed) return;
    trace('cli-parsed');
    await runContainer(mergeGlobalOptions(outer, parsed));
  },
};
