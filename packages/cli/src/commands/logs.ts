import type { CommandModule } from 'yargs';
import { containerLogPath } from '@tsctr/engine/runtime/containers/layout';
import { hasLiveEngine } from '@tsctr/engine/runtime/containers/lifecycle';
import { parseSince, parseTail, printLogs } from '@tsctr/engine/runtime/containers/log-reader';
import { readContainerState } from '@tsctr/engine/runtime/containers/records';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface LogsArgs extends GlobalOptions {
  containers: string[];
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
}

export const command: CommandModule<object, LogsArgs> = {
  command: 'logs <containers..>',
  describe: 'Print a container\'s output (stdout and stderr, from its log file)',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'Keep printing new output until the container exits' })
      .option('tail', { type: 'string', requiresArg: true, describe: 'Only the last N lines' })
      .option('timestamps', { alias: 't', type: 'boolean', describe: 'Prefix each line with its time' })
      .option('since', { type: 'string', requiresArg: true, describe: 'Only output since a time (RFC 3339, Unix seconds) or a duration ago (10m)' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const selection = { since: argv.since !== undefined ? parseSince(argv.since) : undefined, tail: parseTail(argv.tail) };
    await forEachContainer(argv.containers.map(String), async (ref) => {
      const { config } = await findContainer(paths, ref);
      await printLogs(containerLogPath(paths, config.id), selection, {
        timestamps: argv.timestamps === true,
        follow: argv.follow === true,
        stillRunning: async () => {
          const state = await readContainerState(paths, config.id).catch(() => undefined);
          return state !== undefined && hasLiveEngine(state);
        },
        write: (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
      });
    });
  },
};
