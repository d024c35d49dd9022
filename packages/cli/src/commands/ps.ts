import type { CommandModule } from 'yargs';
import { shortId } from '@tsctr/engine/runtime/containers/ids';
import { listContainers } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { formatJson } from '../output/json';
import { renderTemplate } from '../output/go-template';
import { psJson, psTemplateRecord, renderPsTable } from '../ps-table';

interface PsArgs extends GlobalOptions {
  all?: boolean;
  quiet?: boolean;
  format?: string;
  'no-trunc'?: boolean;
}

const TEMPLATE_HEADERS: Record<string, string> = { ID: 'CONTAINER ID', CreatedAt: 'CREATED', RunningFor: 'CREATED' };

export const command: CommandModule<object, PsArgs> = {
  command: 'ps',
  aliases: [],
  describe: 'List containers (running ones; -a for all)',
  builder: (y) =>
    y
      .option('all', { alias: 'a', type: 'boolean', describe: 'Show every container, not only running ones' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print ids only' })
      .option('format', { type: 'string', describe: 'json, table, or a Go template like {{.Names}}' })
      .option('no-trunc', { type: 'boolean', describe: 'Do not shorten ids and commands' }) as never,
  handler: async (argv) => {
    const now = new Date();
    const noTrunc = argv['no-trunc'] === true;
    const records = (await listContainers(storePathsFrom(argv), now)).filter((r) => argv.all || r.state.status === 'running' || r.state.status === 'stopping');
    if (argv.quiet) {
      process.stdout.write(records.map((r) => `${noTrunc ? r.config.id : shortId(r.config.id)}\n`).join(''));
    } else if (argv.format === 'json') {
      process.stdout.write(formatJson(records.map((r) => psJson(r, now))));
    } else if (argv.format === undefined || argv.format === 'table') {
      process.stdout.write(renderPsTable(records, now, noTrunc));
    } else {
      const rows = records.map((r) => psTemplateRecord(r, now, noTrunc));
      const fields = Object.keys(rows[0] ?? psTemplateRecord(sampleRecord, now, noTrunc));
      process.stdout.write(renderTemplate(argv.format, rows, fields, TEMPLATE_HEADERS));
    }
  },
};

/** Only used to learn the template field names when there is no container. */
const sampleRecord = {
  config: { id: '0'.repeat(64), name: '', created: new Date(0).toISOString(), image: { id: '', name: '', layers: [] }, process: { args: [] }, labels: {}, autoRemove: false },
  state: { status: 'created' },
} as unknown as Parameters<typeof psTemplateRecord>[0];
