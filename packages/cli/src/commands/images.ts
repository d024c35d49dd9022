import type { Argv, CommandModule } from 'yargs';
import { listImages } from '@tsctr/engine/image/image-catalog';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { renderColumns } from '../output/columns';
import { renderTemplate } from '../output/go-template';
import { imageRowFields, imageRowHeaders, imageRows, imageSummaryJson, imageTableRows } from '../output/image-views';
import { formatJson } from '../output/json';

export interface ImagesArgs extends GlobalOptions {
  quiet?: boolean;
  format?: string;
  digests?: boolean;
  all?: boolean;
  'no-trunc'?: boolean;
}

export const imagesBuilder = <T>(y: Argv<T>) =>
  y
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print only image ids' })
    .option('format', { type: 'string', describe: 'json, table, or a Go template such as "{{.Repository}}:{{.Tag}}"' })
    .option('digests', { type: 'boolean', describe: 'Show digests' })
    .option('all', { alias: 'a', type: 'boolean', describe: 'Show all images (tsctr has no intermediate images: same as default)' })
    .option('no-trunc', { type: 'boolean', describe: 'Do not truncate image ids' });

export async function imagesHandler(argv: ImagesArgs): Promise<void> {
  const images = await listImages(storePathsFrom(argv));
  const rows = imageRows(images, { noTrunc: Boolean(argv['no-trunc']), now: new Date() });
  if (argv.format === 'json') {
    process.stdout.write(formatJson(images.map(imageSummaryJson)));
  } else if (argv.quiet) {
    const ids = [...new Set(rows.map((r) => r.ID))];
    process.stdout.write(ids.map((id) => `${id}\n`).join(''));
  } else if (argv.format && argv.format !== 'table') {
    process.stdout.write(renderTemplate(argv.format, rows, imageRowFields, imageRowHeaders));
  } else {
    process.stdout.write(renderColumns(imageTableRows(rows, Boolean(argv.digests))));
  }
}

export const command: CommandModule<object, ImagesArgs> = {
  command: 'images',
  describe: 'List images in local storage',
  builder: (y) => imagesBuilder(y) as never,
  handler: imagesHandler,
};
