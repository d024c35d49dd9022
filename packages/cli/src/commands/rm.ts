import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { removeContainer } from '@tsctr/engine/runtime/containers/remove';
import { listContainers } from '@tsctr/engine/runtime/containers/store';
import { removeAnonymousVolumes } from '@tsctr/engine/runtime/volumes/volume-store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface RmArgs extends GlobalOptions {
  containers?: string[];
  force?: boolean;
  all?: boolean;
  ignore?: boolean;
  volumes?: boolean;
}

export const command: CommandModule<object, RmArgs> = {
  command: 'rm [containers..]',
  describe: 'Remove containers (-f stops running ones first)',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, describe: 'Names or ids' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Kill running containers before removing them' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove every container' })
      .option('ignore', { alias: 'i', type: 'boolean', describe: 'Ignore containers that do not exist' })
      .option('volumes', { alias: 'v', type: 'boolean', describe: 'Also remove the container\'s anonymous volumes' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const refs = argv.all ? (await listContainers(paths)).map((r) => r.config.id) : (argv.containers ?? []).map(String);
    if (refs.length === 0 && !argv.all) throw new TsctrError('give at least one container name or id (or --all)');
    await forEachContainer(refs, async (ref) => {
      try {
        const removed = await removeContainer(paths, ref, { force: argv.force === true });
        if (argv.volumes) await removeAnonymousVolumes(paths, removed.config);
      } catch (err) {
        if (argv.ignore && err instanceof TsctrError && /no such container/.test(err.message)) return;
        throw err;
      }
      process.stdout.write(`${ref}\n`);
    }, { parallel: true });
  },
};
