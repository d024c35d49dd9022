import type { CommandModule } from 'yargs';
import { containerTop } from '@tsctr/engine/runtime/inspect/top';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { renderColumns } from '../output/columns';

interface TopArgs extends GlobalOptions {
  container: string;
  descriptors?: string[];
}

export const command: CommandModule<object, TopArgs> = {
  command: 'top <container> [descriptors..]',
  describe: 'Show the processes of a running container (descriptors: user pid ppid pcpu etime tty time args comm group state nice pgid vsz rss hpid huser hgroup)',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true, describe: 'Name or id' })
      .positional('descriptors', { type: 'string', array: true, describe: 'Columns, e.g. "pid comm" or "pid,comm"' }) as never,
  handler: async (argv) => {
    const record = await findContainer(storePathsFrom(argv), argv.container);
    process.stdout.write(renderColumns(containerTop(record, (argv.descriptors ?? []).map(String))));
  },
};
