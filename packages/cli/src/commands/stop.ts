import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { stopContainer } from '@tsctr/engine/runtime/containers/lifecycle';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface StopArgs extends GlobalOptions {
  containers: string[];
  time?: string;
}

export function parseStopTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new TsctrError(`invalid --time "${value}": give a whole number of seconds, 0 or more`);
  return Number(value);
}

export const command: CommandModule<object, StopArgs> = {
  command: 'stop <containers..>',
  describe: 'Stop running containers (stop signal, then SIGKILL after the timeout)',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })
      .option('time', { alias: 't', type: 'string', requiresArg: true, describe: 'Seconds to wait before SIGKILL (default: the container\'s --stop-timeout, 10)' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const timeout = parseStopTime(argv.time);
    await forEachContainer(argv.containers.map(String), async (ref) => {
      const record = await findContainer(paths, ref);
      await stopContainer(paths, record, timeout ?? record.config.stopTimeout);
      process.stdout.write(`${ref}\n`);
    }, { parallel: true });
  },
};
