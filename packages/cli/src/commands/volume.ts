import type { Argv, CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { removeContainer } from '@tsctr/engine/runtime/containers/remove';
import { volumeInspectView } from '@tsctr/engine/runtime/volumes/volume-record';
import { createVolume, findVolume, listVolumes, pruneVolumes, removeVolume } from '@tsctr/engine/runtime/volumes/volume-store';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { renderTemplate } from '../output/go-template';
import { formatJson } from '../output/json';
import { parseLabels, volumeLsJson, volumeLsTable } from '../output/volume-views';

interface CreateArgs extends GlobalOptions {
  name?: string;
  label?: string | string[];
  ignore?: boolean;
  driver?: string;
}

interface LsArgs extends GlobalOptions {
  format?: string;
  quiet?: boolean;
}

interface InspectArgs extends GlobalOptions {
  names?: string[];
  all?: boolean;
  format?: string;
}

interface RmArgs extends GlobalOptions {
  names?: string[];
  all?: boolean;
  force?: boolean;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const VIEW_FIELDS = ['Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'MountCount', 'NeedsCopyUp', 'Anonymous'];

function printRecords(format: string | undefined, records: readonly Record<string, unknown>[]): void {
  if (format === undefined || format === 'json') process.stdout.write(formatJson(records));
  else process.stdout.write(renderTemplate(format, records, VIEW_FIELDS));
}

const createCommand: CommandModule<object, CreateArgs> = {
  command: 'create [name]',
  describe: 'Create a named volume (a generated name without NAME)',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .option('label', { alias: 'l', type: 'string', requiresArg: true, describe: 'Set a label (KEY=VALUE)' })
      .option('driver', { alias: 'd', type: 'string', requiresArg: true, describe: 'Volume driver (only "local")' })
      .option('ignore', { type: 'boolean', describe: 'Do nothing if the volume exists already' }) as never,
  handler: async (argv) => {
    if (argv.driver !== undefined && argv.driver !== 'local') throw new TsctrError(`volume driver "${argv.driver}" is not supported: tsctr only has "local"`);
    const v = await createVolume(storePathsFrom(argv), argv.name === undefined ? undefined : String(argv.name), { labels: parseLabels(list(argv.label)), ignoreExisting: argv.ignore === true });
    process.stdout.write(`${v.name}\n`);
  },
};

const lsCommand: CommandModule<object, LsArgs> = {
  command: ['ls', 'list'],
  describe: 'List volumes',
  builder: (y) =>
    y
      .option('format', { type: 'string', describe: 'json, table, or a Go template such as {{.Name}}' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print names only' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const volumes = await listVolumes(paths);
    if (argv.quiet) process.stdout.write(volumes.map((v) => `${v.name}\n`).join(''));
    else if (argv.format === 'json') process.stdout.write(formatJson(volumeLsJson(paths, volumes)));
    else if (argv.format === undefined || argv.format === 'table') process.stdout.write(volumeLsTable(volumes));
    else process.stdout.write(renderTemplate(argv.format, volumeLsJson(paths, volumes), VIEW_FIELDS, { Name: 'VOLUME NAME' }));
  },
};

const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect [names..]',
  describe: 'Show details of volumes as JSON',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Every volume' })
      .option('format', { alias: 'f', type: 'string', describe: 'json (default) or a Go template such as {{.Mountpoint}}' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const names = (argv.names ?? []).map(String);
    if (!argv.all && names.length === 0) throw new TsctrError('give at least one volume name (or --all)');
    const volumes = argv.all ? await listVolumes(paths) : await Promise.all(names.map((n) => findVolume(paths, n)));
    printRecords(argv.format, volumes.map((v) => volumeInspectView(paths, v)));
  },
};

const rmCommand: CommandModule<object, RmArgs> = {
  command: ['rm [names..]', 'remove'],
  describe: 'Remove volumes (-f also removes the containers using them)',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true })
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove every volume' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Remove the containers that use the volume first' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const names = argv.all ? (await listVolumes(paths)).map((v) => v.name) : (argv.names ?? []).map(String);
    if (names.length === 0 && !argv.all) throw new TsctrError('give at least one volume name (or --all)');
    const removeUsers = argv.force
      ? async (ids: readonly string[]) => {
          for (const id of ids) await removeContainer(paths, id, { force: true });
        }
      : undefined;
    await forEachContainer(names, async (name) => {
      await removeVolume(paths, name, { removeUsers });
      process.stdout.write(`${name}\n`);
    });
  },
};

const pruneCommand: CommandModule<object, GlobalOptions & { force?: boolean }> = {
  command: 'prune',
  describe: 'Remove every volume no container uses',
  builder: (y) => y.option('force', { alias: 'f', type: 'boolean', describe: 'Accepted for podman compatibility (tsctr never prompts)' }) as never,
  handler: async (argv) => {
    const removed = await pruneVolumes(storePathsFrom(argv));
    process.stdout.write(removed.map((n) => `${n}\n`).join(''));
  },
};

/** `tsctr volume <sub>`: named volumes under the data root (R/volumes/<name>). */
export const command: CommandModule<object, object> = {
  command: 'volume <command>',
  describe: 'Manage volumes (create, ls, inspect, rm, prune)',
  builder: (y: Argv) =>
    y
      .command(createCommand)
      .command(lsCommand)
      .command(inspectCommand)
      .command(rmCommand)
      .command(pruneCommand)
      .demandCommand(1, 'missing subcommand: create, ls, inspect, rm or prune') as never,
  handler: () => {},
};
