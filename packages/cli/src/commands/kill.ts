import type { CommandModule } from 'yargs';
import { killContainer } from '@tsctr/engine/runtime/containers/lifecycle';
import { parseSignal } from '@tsctr/engine/runtime/containers/signals';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface KillArgs extends GlobalOptions {
  containers: string[];
  signal: string;
}

export const command: CommandModule<object, KillArgs> = {
  command: 'kill <containers..>',
  describe: 'Send a signal (default SIGKILL) to running containers',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })
      .option('signal', { alias: 's', type: 'string', default: 'KILL', requiresArg: true, describe: 'Signal name or number' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const signal = parseSignal(argv.signal, '--signal').name;
    await forEachContainer(argv.containers.map(String), async (ref) => {
      await killContainer(paths, await findContainer(paths, ref), signal);
      process.stdout.write(`${ref}\n`);
    });
  },
};
