import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { removeAllCredentials, removeCredentials } from '@tsctr/engine/image/auth';
import type { GlobalOptions } from '../global-options';

interface LogoutArgs extends GlobalOptions {
  registry?: string;
  all?: boolean;
  authfile?: string;
}

export const command: CommandModule<object, LogoutArgs> = {
  command: 'logout [registry]',
  describe: 'Remove the saved credentials of a registry',
  builder: (y) =>
    y
      .positional('registry', { type: 'string', describe: 'Registry host[:port]' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove the credentials of every registry' })
      .option('authfile', { type: 'string', describe: 'Path of the auth file (default: $XDG_RUNTIME_DIR/containers/auth.json)' }) as never,
  handler: async (argv) => {
    const opts = { authFile: argv.authfile };
    if (argv.all) {
      if (argv.registry) throw new TsctrError('--all takes no registry argument');
      await removeAllCredentials(opts);
      process.stdout.write('Removed login credentials for all registries\n');
      return;
    }
    if (!argv.registry) throw new TsctrError('missing registry: tsctr logout REGISTRY (or --all)');
    const result = await removeCredentials(argv.registry, opts);
    if (result.removed) {
      process.stdout.write(`Removed login credentials for ${argv.registry}\n`);
      return;
    }
    if (result.otherFile) {
      throw new TsctrError(`not logged into ${argv.registry} with tsctr; the credentials are in ${result.otherFile}, which tsctr does not change: remove them there`);
    }
    throw new TsctrError(`not logged into ${argv.registry}`);
  },
};
