import type { CommandModule } from 'yargs';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { containerDiff } from '@tsctr/engine/runtime/inspect/diff';
import { formatChanges } from '@tsctr/engine/runtime/inspect/diff-plan';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface DiffArgs extends GlobalOptions {
  container: string;
  format?: string;
}

export const command: CommandModule<object, DiffArgs> = {
  command: 'diff <container>',
  describe: 'Show the changes of a container\'s filesystem against its image (A added, C changed, D deleted)',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true, describe: 'Name or id' })
      .option('format', { type: 'string', describe: '"json" for a JSON object of changed, added and deleted paths' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const changes = await containerDiff(paths, await findContainer(paths, argv.container));
    if (argv.format === 'json') {
      const of = (kind: string): string[] => changes.filter((c) => c.kind === kind).map((c) => c.path);
      process.stdout.write(`${JSON.stringify({ changed: of('C'), added: of('A'), deleted: of('D') }, null, 4)}\n`);
      return;
    }
    process.stdout.write(formatChanges(changes));
  },
};
