import type { CommandModule } from 'yargs';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { inspectContainer } from '../container-inspect';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { formatJson } from '../output/json';

interface InspectArgs extends GlobalOptions {
  containers: string[];
  format?: string;
}

/** `{{.State.Status}}`-style paths into the inspect object (the common use of inspect --format). */
function renderPathTemplate(template: string, value: Record<string, unknown>): string {
  const text = template.replace(/\{\{\s*(json\s+)?((?:\.[A-Za-z0-9_]+)+|\.)\s*\}\}/g, (_all, json: string | undefined, path: string) => {
    let v: unknown = value;
    for (const key of path.split('.').filter((k) => k !== '')) v = (v as Record<string, unknown> | undefined)?.[key];
    if (json) return JSON.stringify(v ?? null);
    if (v === undefined || v === null) return '<no value>';
    if (Array.isArray(v)) return `[${v.join(' ')}]`;
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

export const command: CommandModule<object, InspectArgs> = {
  command: 'inspect <containers..>',
  describe: 'Show a container\'s configuration and state as JSON',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })
      .option('format', { alias: 'f', type: 'string', describe: 'json (default) or a Go template like {{.State.Status}}' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const results = [];
    for (const ref of argv.containers.map(String)) results.push(inspectContainer(paths, await findContainer(paths, ref)));
    if (argv.format === undefined || argv.format === 'json') process.stdout.write(formatJson(results));
    else process.stdout.write(results.map((r) => `${renderPathTemplate(argv.format as string, r)}\n`).join(''));
  },
};
