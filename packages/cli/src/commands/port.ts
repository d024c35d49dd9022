import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { portCommandLines } from '@tsctr/engine/network/port-spec';
import { findContainer, listContainers } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface PortArgs extends GlobalOptions {
  container?: string;
  port?: string;
  all?: boolean;
}

export const command: CommandModule<object, PortArgs> = {
  command: 'port [container] [port]',
  describe: 'List the published ports of a container, or the host address of one of its ports',
  builder: (y) =>
    y
      .positional('container', { type: 'string', describe: 'Name or id' })
      .positional('port', { type: 'string', describe: 'PORT[/tcp|/udp] of the container' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Every container\'s ports' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    if (argv.all) {
      if (argv.container !== undefined) throw new TsctrError('give either --all or a container, not both');
      for (const r of await listContainers(paths)) {
        const lines = portCommandLines(r.config.network.ports);
        if (lines.length > 0) process.stdout.write(`${r.config.id.slice(0, 12)}\t${lines.join('\n\t')}\n`);
      }
      return;
    }
    if (argv.container === undefined) throw new TsctrError('name the container: tsctr port CONTAINER [PORT[/PROTO]] (or --all)');
    const record = await findContainer(paths, argv.container);
    const lines = portCommandLines(record.config.network.ports, argv.port);
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  },
};
