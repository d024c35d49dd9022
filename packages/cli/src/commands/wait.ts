import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { waitForStop } from '@tsctr/engine/runtime/containers/lifecycle';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface WaitArgs extends GlobalOptions {
  containers: string[];
}

export const command: CommandModule<object, WaitArgs> = {
  command: 'wait <containers..>',
  describe: 'Wait for containers to stop and print their exit codes',
  builder: (y) => y.positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    await forEachContainer(argv.containers.map(String), async (ref) => {
      const record = await findContainer(paths, ref);
      const state = await waitForStop(paths, record.config.id, Infinity, { untilExited: true });
      if (!state) throw new TsctrError(`container ${ref} was removed before its exit code could be read`);
      process.stdout.write(`${state.status === 'exited' ? (state.exitCode ?? 0) : -1}\n`);
    });
  },
};
