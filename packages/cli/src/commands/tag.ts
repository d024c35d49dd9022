import type { Argv, CommandModule } from 'yargs';
import { tagImage } from '@tsctr/engine/image/image-catalog';
import { storePathsFrom, type GlobalOptions } from '../global-options';

export interface TagArgs extends GlobalOptions {
  source: string;
  targets: string[];
}

export const tagBuilder = <T>(y: Argv<T>) =>
  y
    .positional('source', { type: 'string', demandOption: true, describe: 'Image name or id' })
    .positional('targets', { type: 'string', array: true, demandOption: true, describe: 'New names, e.g. localhost:5000/app:v1' });

export async function tagHandler(argv: TagArgs): Promise<void> {
  await tagImage(storePathsFrom(argv), argv.source, argv.targets);
}

export const command: CommandModule<object, TagArgs> = {
  command: 'tag <source> <targets..>',
  describe: 'Add names to an image',
  builder: (y) => tagBuilder(y) as never,
  handler: tagHandler,
};
