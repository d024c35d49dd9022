import type { Argv, CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { removeImages } from '@tsctr/engine/image/image-catalog';
import { storePathsFrom, type GlobalOptions } from '../global-options';

export interface RmiArgs extends GlobalOptions {
  images?: string[];
  force?: boolean;
  all?: boolean;
}

export const rmiBuilder = <T>(y: Argv<T>) =>
  y
    .positional('images', { type: 'string', array: true, describe: 'Image names or ids' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Remove images even when containers use them, and ids with several names' })
    .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all images' });

/** Pure: the argument rules of podman rmi. */
export function checkRmiArgs(images: readonly string[], all: boolean): void {
  if (all && images.length > 0) throw new TsctrError('when using the --all flag, do not name images');
  if (!all && images.length === 0) throw new TsctrError('image name or ID must be specified');
}

export async function rmiHandler(argv: RmiArgs): Promise<void> {
  const images = argv.images ?? [];
  checkRmiArgs(images, Boolean(argv.all));
  await removeImages(storePathsFrom(argv), images, {
    force: Boolean(argv.force),
    all: Boolean(argv.all),
    onUntagged: (name) => process.stdout.write(`Untagged: ${name}\n`),
    onDeleted: (id) => process.stdout.write(`Deleted: ${id}\n`),
  });
}

export const command: CommandModule<object, RmiArgs> = {
  command: 'rmi [images..]',
  describe: 'Remove images from local storage',
  builder: (y) => rmiBuilder(y) as never,
  handler: rmiHandler,
};
