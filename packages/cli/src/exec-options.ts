/**
 * `exec`'s flags (podman's names), parsed up to the container like run/create parse up to the
 * image: `tsctr exec ctr ls -l` passes `-l` to ls. Pure except for reading --env-file.
 */
import yargs from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import type { ExecSpec } from '@tsctr/engine/runtime/control-protocol';
import { parseEnvFlag } from '@tsctr/engine/runtime/policy/process';
import { readEnvFile } from './env-file';
import type { GlobalOptions } from './global-options';
import { list } from './run-options';

export const EXEC_USAGE = 'tsctr exec [options] CONTAINER COMMAND [ARG...]';

export interface ExecArgs extends GlobalOptions {
  interactive?: boolean;
  tty?: boolean;
  detach?: boolean;
  user?: string;
  env?: string | string[];
  'env-file'?: string | string[];
  workdir?: string;
  privileged?: boolean;
  'detach-keys'?: string;
}

export interface ParsedExec {
  readonly argv: ExecArgs;
  readonly container: string;
  readonly command: string[];
}

/** Parses the words after `exec`; undefined when --help was printed. */
export function parseExecWords(words: readonly string[]): ParsedExec | undefined {
  let failure: Error | undefined;
  const parsed = yargs([...words])
    .parserConfiguration({ 'halt-at-non-option': true, 'parse-positional-numbers': false })
    .usage(EXEC_USAGE)
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep stdin open and forward it' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-terminal (the process\'s controlling terminal)' })
    .option('detach', { alias: 'd', type: 'boolean', describe: 'Run in the background: return once the process runs' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'user[:group] (name or id) to run as' })
    .option('env', { alias: 'e', type: 'string', requiresArg: true, describe: 'Set an environment variable (KEY=VALUE, or KEY to copy it from here)' })
    .option('env-file', { type: 'string', requiresArg: true, describe: 'Read environment variables from a file (KEY=VALUE lines)' })
    .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container (absolute)' })
    .option('privileged', { type: 'boolean', describe: 'Every capability and no seccomp filter for this process' })
    .option('detach-keys', { type: 'string', describe: 'Keys that detach from a -t session (default ctrl-p,ctrl-q; "" disables)' })
    .option('root', { type: 'string', hidden: true })
    .option('runroot', { type: 'string', hidden: true })
    .option('storage-driver', { type: 'string', hidden: true })
    .option('log-level', { type: 'string', hidden: true })
    .strict()
    .version(false)
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      failure = err ?? new TsctrError(`${msg}\nSee 'tsctr exec --help'`);
    })
    .parseSync() as unknown as ExecArgs & { _: (string | number)[]; help?: boolean };
  if (failure) throw failure;
  if (parsed.help) return undefined;
  const [container, ...command] = parsed._.map(String);
  if (container === undefined) throw new TsctrError(`missing container: ${EXEC_USAGE}`);
  if (command.length === 0) throw new TsctrError(`missing command to run in ${container}: ${EXEC_USAGE}`);
  return { argv: parsed, container, command };
}

/** --env-file entries, then -e; an entry without a value copies it from `hostEnv` (dropped when unset). */
export function execEnv(argv: ExecArgs, hostEnv: NodeJS.ProcessEnv = process.env): string[] {
  const entries = [...list(argv['env-file']).flatMap((file) => readEnvFile(file)), ...list(argv.env).map((e) => parseEnvFlag(e))];
  return entries.flatMap(({ key, value }) => {
    const resolved = value ?? hostEnv[key];
    return resolved === undefined ? [] : [`${key}=${resolved}`];
  });
}

/** The engine request for the parsed flags. */
export function execSpecOf(parsed: ParsedExec, hostEnv: NodeJS.ProcessEnv = process.env): ExecSpec {
  const { argv } = parsed;
  if (argv.workdir !== undefined && !argv.workdir.startsWith('/')) {
    throw new TsctrError(`the working directory "${argv.workdir}" is invalid: it needs to be an absolute path`);
  }
  return {
    argv: parsed.command,
    env: execEnv(argv, hostEnv),
    ...(argv.user !== undefined ? { user: argv.user } : {}),
    ...(argv.workdir !== undefined ? { workdir: argv.workdir } : {}),
    privileged: argv.privileged === true,
    tty: argv.tty === true,
    stdin: argv.interactive === true && argv.detach !== true,
    detach: argv.detach === true,
  };
}
