/* eslint-disable @typescript-eslint/no-require-imports -- yargs loads only for the commands that need it (not a fast-path run) */
import { TsctrError } from '@tsctr/engine/errors';
import { commandTable } from './command-table';
import { addGlobalOptions, globalOptionsWithValue } from './global-options';
import { reportError } from './report-error';
import { trace } from '@tsctr/engine/trace';
import { parseRunArgvFast } from './run-fast-argv';
import { discardUnusedPrelaunch, runParsed } from './run-main';
import { skipHelpCache } from './yargs-help-cache';

/** First word of argv that is not an option (nor a global option's value): the command's name. */
export function findCommandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (globalOptionsWithValue.has(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

export async function main(args: string[]): Promise<number> {
  trace('cli-main');
  process.once('exit', () => trace('cli-exit'));
  try {
    const fastRun = process.env.TSCTR_FAST_ARGV === '0' ? undefined : parseRunArgvFast(args);
    return fastRun ? await runParsed(fastRun) : await parseAndRun(args);
  } finally {
    await discardUnusedPrelaunch();
  }
}

async function parseAndRun(args: string[]): Promise<number> {
  const wanted = findCommandName(args);
  const entry = commandTable.find((c) => c.name === wanted);
  const yargs = require('yargs') as typeof import('yargs');
  let y = addGlobalOptions(yargs(args))
    .scriptName('tsctr')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'missing command: run "tsctr --help" to see the commands')
    .recommendCommands()
    .version(false)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new TsctrError(`${msg}\nSee 'tsctr ${wanted && entry ? `${wanted} ` : ''}--help'`);
    });
  for (const c of entry ? [entry] : commandTable) y = y.command(c.load().command);
  skipHelpCache(y);
  try {
    await y.parseAsync();
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    return reportError(err);
  }
}

if (require.main === module || process.env.TSCTR_CLI_MAIN === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      trace('cli-main-done');
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err);
    },
  );
}
