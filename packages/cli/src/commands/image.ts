import type { Argv, CommandModule } from 'yargs';
import { inspectImages } from '@tsctr/engine/image/image-catalog';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { renderTemplate } from '../output/go-template';
import { imageInspectJson } from '../output/image-views';
import { formatJson } from '../output/json';
import { imagesBuilder, imagesHandler, type ImagesArgs } from './images';
import { pullBuilder, pullHandler, type PullArgs } from './pull';
import { rmiBuilder, rmiHandler, type RmiArgs } from './rmi';
import { tagBuilder, tagHandler, type TagArgs } from './tag';

interface InspectArgs extends GlobalOptions {
  images: string[];
  format?: string;
}

const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <images..>',
  describe: 'Show details of images as JSON',
  builder: (y) =>
    y
      .positional('images', { type: 'string', array: true, demandOption: true })
      .option('format', { alias: 'f', type: 'string', describe: 'json (default) or a Go template such as {{.Architecture}}' }) as never,
  handler: async (argv) => {
    const records = (await inspectImages(storePathsFrom(argv), argv.images)).map(imageInspectJson);
    if (argv.format && argv.format !== 'json') process.stdout.write(renderTemplate(argv.format, records, Object.keys(records[0] ?? {})));
    else process.stdout.write(formatJson(records));
  },
};

/** `tsctr image <sub>`: inspect, and aliases of the top-level image commands (like podman). */
export const command: CommandModule<object, object> = {
  command: 'image <command>',
  describe: 'Manage images (inspect, ls, pull, rm, tag)',
  builder: (y: Argv) =>
    y
      .command(inspectCommand)
      .command({ command: ['ls', 'list'], describe: 'List images', builder: (s) => imagesBuilder(s) as never, handler: (a) => imagesHandler(a as ImagesArgs) })
      .command({ command: 'pull <image>', describe: 'Pull an image', builder: (s) => pullBuilder(s) as never, handler: (a) => pullHandler(a as unknown as PullArgs) })
      .command({ command: 'rm [images..]', describe: 'Remove images', builder: (s) => rmiBuilder(s) as never, handler: (a) => rmiHandler(a as RmiArgs) })
      .command({ command: 'tag <source> <targets..>', describe: 'Add names to an image', builder: (s) => tagBuilder(s) as never, handler: (a) => tagHandler(a as unknown as TagArgs) })
      .demandCommand(1, 'missing subcommand: inspect, ls, pull, rm or tag') as never,
  handler: () => {},
};
