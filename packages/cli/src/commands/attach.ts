import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { attachToContainer } from '@tsctr/engine/runtime/containers/attach-client';
import { engineAlive } from '@tsctr/engine/runtime/containers/liveness';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { detachKeysFrom } from '../run-options';

interface AttachArgs extends GlobalOptions {
  container: string;
  stdin?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
}

export const command: CommandModule<object, AttachArgs> = {
  command: 'attach <container>',
  describe: 'Attach to a running container\'s input and output',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true, describe: 'Name or id' })
      .option('stdin', { type: 'boolean', default: true, describe: 'Forward stdin (when the container was created with -i); --no-stdin: output only' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Forward signals the CLI receives to the container' })
      .option('detach-keys', { type: 'string', describe: 'Keys that detach from a -t container (default ctrl-p,ctrl-q; "" disables)' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const detachKeys = detachKeysFrom(argv);
    const { config, state } = await findContainer(paths, argv.container);
    if (state.status !== 'running' || !engineAlive(state)) {
      throw new TsctrError(`you can only attach to running containers: ${argv.container} is ${state.status}`);
    }
    const result = await attachToContainer(paths, config.id, {
      stdin: argv.stdin !== false && config.process.stdin,
      tty: config.process.terminal,
      detachKeys,
      sigProxy: argv['sig-proxy'] !== false,
    });
    // Detaching leaves the container running and prints nothing, like podman.
    if (result.kind === 'detached') return;
    if (result.report.error) process.stderr.write(`Error: ${result.report.error}\n`);
    process.exitCode = result.report.exitCode;
  },
};
