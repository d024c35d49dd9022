/**
 * The container's command line, environment and working directory from the image config and
 * the run flags, with docker's rules. Used at create time (containers/create-plan.ts; the result
 * is stored in ContainerConfig.process) and by the CLI to read --env-file.
 */
import { TsctrError } from '../../errors';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface CommandRequest {
  readonly imageEntrypoint: readonly string[] | null | undefined;
  readonly imageCmd: readonly string[] | null | undefined;
  /** `--entrypoint`, if given: a string ("" clears it) or a JSON array string (podman). */
  readonly entrypoint?: string;
  /** The words after the image name. */
  readonly args: readonly string[];
}

export interface PlannedCommand {
  /** What runs: entrypoint followed by cmd. Never empty. */
  readonly argv: string[];
  /** What inspect shows as Config.Entrypoint / Config.Cmd. */
  readonly entrypoint: string[] | null;
  readonly cmd: string[] | null;
}

/** `--entrypoint` value: "" -> [], `["a","b"]` -> [a, b], anything else -> [value]. */
export function parseEntrypointFlag(value: string): string[] {
  if (value === '') return [];
  if (value.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return [value];
    }
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
      throw new TsctrError(`--entrypoint ${value}: a JSON entrypoint must be an array of strings, e.g. ["/bin/sh","-c"]`);
    }
    return parsed as string[];
  }
  return [value];
}

/**
 * docker's combination: the entrypoint is --entrypoint if given, else the image's; the command
 * is the words after the image if any, else the image's Cmd -- unless --entrypoint was given,
 * which drops the image's Cmd.
 */
export function planCommand(request: CommandRequest): PlannedCommand {
  const entrypoint = request.entrypoint !== undefined ? parseEntrypointFlag(request.entrypoint) : request.imageEntrypoint ? [...request.imageEntrypoint] : null;
  let cmd: string[] | null;
  if (request.args.length > 0) cmd = [...request.args];
  else if (request.entrypoint !== undefined) cmd = null;
  else cmd = request.imageCmd ? [...request.imageCmd] : null;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0 || argv[0] === '') {
    throw new TsctrError('no command given: name one after the image (tsctr run IMAGE COMMAND), or use --entrypoint, or an image with a Cmd or Entrypoint');
  }
  return { argv, entrypoint, cmd };
}

export interface EnvEntry {
  readonly key: string;
  /** undefined: take the value from the environment of the tsctr command (dropped if unset there). */
  readonly value?: string;
}

function envEntry(text: string, where: string): EnvEntry {
  const eq = text.indexOf('=');
  const key = eq === -1 ? text : text.slice(0, eq);
  if (key === '') throw new TsctrError(`${where}: "${text}" has no variable name: write NAME=VALUE`);
  if (/\s/.test(key)) throw new TsctrError(`${where}: variable name "${key}" contains whitespace`);
  return eq === -1 ? { key } : { key, value: text.slice(eq + 1) };
}

/** One `-e/--env` value: NAME=VALUE, or NAME to pass the caller's value through. */
export function parseEnvFlag(value: string): EnvEntry {
  return envEntry(value, '--env');
}

/**
 * An --env-file: one NAME=VALUE per line (the value is taken literally, quotes and spaces
 * included), NAME alone to pass the caller's value through (trailing blanks after a lone NAME are
 * ignored: they are invisible in an editor); blank lines and lines starting with # are skipped.
 */
export function parseEnvFile(text: string, source: string): EnvEntry[] {
  const result: EnvEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const line = trimmed.includes('=') ? trimmed : trimmed.trimEnd();
    result.push(envEntry(line, `--env-file ${source} line ${i + 1}`));
  });
  return result;
}

export interface EnvRequest {
  /** The image config's Env (KEY=VALUE). */
  readonly imageEnv: readonly string[];
  /** Entries of every --env-file, in order. */
  readonly envFileEntries: readonly EnvEntry[];
  /** Entries of every -e, in order. */
  readonly cliEnv: readonly EnvEntry[];
  /** The tsctr command's own environment, for entries without a value. */
  readonly callerEnv: Readonly<Record<string, string | undefined>>;
  readonly hostname: string;
  readonly tty: boolean;
}

/**
 * The container's environment: PATH (default), HOSTNAME and, with -t, TERM=xterm come first and
 * are overridden by the image's Env, then the --env-file entries, then the -e entries. A later
 * setting of a variable replaces the earlier one in place.
 */
export function planEnv(request: EnvRequest): string[] {
  const values = new Map<string, string>();
  const set = (key: string, value: string): void => {
    values.set(key, value);
  };
  set('PATH', DEFAULT_PATH);
  set('HOSTNAME', request.hostname);
  if (request.tty) set('TERM', 'xterm');
  for (const entry of request.imageEnv) {
    const eq = entry.indexOf('=');
    if (eq > 0) set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const entry of [...request.envFileEntries, ...request.cliEnv]) {
    const value = entry.value ?? request.callerEnv[entry.key];
    if (value !== undefined) set(entry.key, value);
  }
  return [...values].map(([key, value]) => `${key}=${value}`);
}

/** `-w` if given, else the image's WorkingDir, else `/`; must be absolute. */
export function planWorkingDir(flag: string | undefined, imageWorkingDir: string | undefined): string {
  const dir = flag !== undefined && flag !== '' ? flag : imageWorkingDir || '/';
  if (!dir.startsWith('/')) {
    throw new TsctrError(`working directory "${dir}" is not an absolute path: use -w /${dir.replace(/^\.?\/?/, '')} or another absolute path`);
  }
  return dir;
}
