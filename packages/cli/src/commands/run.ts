import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { launchContainer } from '@tsctr/engine/network/launch-container';
import { deleteContainerFiles } from '@tsctr/engine/runtime/containers/remove';
import { removeAnonymousVolumes } from '@tsctr/engine/runtime/volumes/volume-store';
import { waitForEngineExit } from '@tsctr/engine/runtime/containers/lifecycle';
import { attachAndReport } from '../attach-session';
import { createFromArgs } from '../create-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { detachKeysFrom, haltAtCommand, mergeGlobalOptions, parseRunCreateWords, wordsAfterCommand } from '../run-options';

const USAGE = 'tsctr run [options] IMAGE [COMMAND [ARG...]]';

export const command: CommandModule<object, GlobalOptions & { _: (string | number)[] }> = {
  command: 'run',
  describe: 'Create a container from an image, start it and attach to it',
  builder: (y) => haltAtCommand(y) as never,
  handler: async (outer) => {
    const parsed = parseRunCreateWords(wordsAfterCommand(outer._), USAGE, (y) =>
      y
        .option('detach', { alias: 'd', type: 'boolean', describe: 'Run in the background and print the container id' })
        .option('detach-keys', { type: 'string', describe: 'Keys that detach from a -t container (default ctrl-p,ctrl-q; "" disables)' })
        .option('sig-proxy', { type: 'boolean', default: true, describe: 'Forward signals the CLI receives to the container' }),
    );
    if (!parsed) return;
    const argv = mergeGlobalOptions(outer, parsed);
    const paths = storePathsFrom(argv);
    const detachKeys = detachKeysFrom(argv);
    const record = await createFromArgs(paths, argv);
    const { config } = record;
    try {
      await launchContainer(paths, config, { attachWait: !argv.detach });
    } catch (err) {
      // `run` created the container only to run it: a container that never started is not kept.
      await deleteContainerFiles(paths, config.id).catch(() => undefined);
      await removeAnonymousVolumes(paths, config).catch(() => undefined);
      throw err;
    }
    if (argv.detach) {
      process.stdout.write(`${config.id}\n`);
      return;
    }
    const { exitCode, detached } = await attachAndReport(paths, config, { stdin: argv.interactive === true, detachKeys, sigProxy: argv['sig-proxy'] !== false });
    if (!detached && config.autoRemove) {
      // The engine removes --rm containers itself; wait for it so `ps -a` right after shows nothing.
      await waitForEngineExit(paths, config.id, Date.now() + 10_000);
      await deleteContainerFiles(paths, config.id).catch((err: unknown) => {
        if (!(err instanceof TsctrError)) throw err;
      });
    }
    process.exitCode = exitCode;
  },
};
