/**
 * The yargs parser of `run`'s and `create`'s flags (their meaning is run-options.ts). `run` mostly
 * goes without it: run-fast-argv.ts reads the common forms and leaves the rest to this parser.
 */
import yargs, { type Argv } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { addCgroupOptions } from './limit-options';
import type { RunCreateArgs } from './run-options';

const repeatable = (describe: string) => ({ type: 'string' as const, requiresArg: true, describe });

/**
 * `run`/`create` stop parsing options at the image, like podman: `tsctr run busybox ls -l` passes
 * `-l` to ls. yargs cannot do that for a subcommand, so the command's builder only halts parsing
 * (keeping every word after the command raw in argv._) and the handler parses them with
 * parseRunCreateWords. See docs/decisions.md.
 */
export function haltAtCommand<T>(y: Argv<T>): Argv<T> {
  return y.parserConfiguration({ 'halt-at-non-option': true, 'parse-positional-numbers': false }).strict(false);
}

/**
 * The words typed after the command: yargs leaves `_` as the command path followed by the raw words
 * starting again with that path ([run, run, --rm, busybox] or [container, run, container, run, ...]).
 */
export function wordsAfterCommand(underscore: readonly (string | number)[]): string[] {
  const words = underscore.map(String);
  for (let k = 1; 2 * k <= words.length; k++) {
    if (words.slice(0, k).join('\0') === words.slice(k, 2 * k).join('\0')) return words.slice(2 * k);
  }
  return words.slice(1);
}

/** The flags of `run`/`create` (with `extra`'s) as a yargs parser of `words`, not run yet. */
export function runCreateParser<A>(words: readonly string[], usage: string, extra: (y: Argv<RunCreateArgs>) => Argv<A>): Argv<A> {
  return extra(addRunCreateOptions(yargs([...words])))
    .parserConfiguration({ 'halt-at-non-option': true, 'parse-positional-numbers': false })
    .usage(usage)
    .option('root', { type: 'string', hidden: true })
    .option('runroot', { type: 'string', hidden: true })
    .option('storage-driver', { type: 'string', describe: 'overlay or fuse-overlayfs' })
    .option('log-level', { type: 'string', hidden: true })
    .strict()
    .version(false)
    .help()
    .exitProcess(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100));
}

/**
 * Parses the words after `run`/`create`: options up to the image, then the image, then the
 * command with its own options untouched. `--help` before the image prints the usage.
 */
export function parseRunCreateWords<A>(words: readonly string[], usage: string, extra: (y: Argv<RunCreateArgs>) => Argv<A>): (A & RunCreateArgs) | undefined {
  let failure: Error | undefined;
  const y = runCreateParser(words, usage, extra).fail((msg, err) => {
    failure = err ?? new TsctrError(`${msg}\nSee '${usage.split(' ').slice(0, 2).join(' ')} --help'`);
  });
  const parsed = y.parseSync() as unknown as A & RunCreateArgs & { _: (string | number)[]; help?: boolean };
  if (failure) throw failure;
  if (parsed.help) return undefined;
  const [image, ...command] = parsed._.map(String);
  if (image === undefined) throw new TsctrError(`missing image: ${usage}`);
  return { ...parsed, image, command };
}

function addRunCreateOptions<T>(y: Argv<T>): Argv<T & RunCreateArgs> {
  return addCgroupOptions(y)
    .option('name', { type: 'string', requiresArg: true, describe: 'Name of the container' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'Keep stdin open' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a pseudo-terminal' })
    .option('rm', { type: 'boolean', describe: 'Remove the container when it exits' })
    .option('env', { alias: 'e', ...repeatable('Set an environment variable (KEY=VALUE, or KEY to copy it from here)') })
    .option('env-file', repeatable('Read environment variables from a file (KEY=VALUE lines)'))
    .option('workdir', { alias: 'w', type: 'string', requiresArg: true, describe: 'Working directory inside the container' })
    .option('user', { alias: 'u', type: 'string', requiresArg: true, describe: 'user[:group] (name or id) to run as' })
    .option('group-add', repeatable('Additional group (name or id) for the process'))
    .option('entrypoint', { type: 'string', describe: 'Override the image\'s entrypoint ("" clears it; a JSON array is argv)' })
    .option('hostname', { alias: 'h', type: 'string', requiresArg: true, describe: 'Container hostname (default: the short id)' })
    .option('init', { type: 'boolean', default: true, describe: 'Run a tiny init as PID 1 that forwards signals and reaps zombies (--init=false: the payload is PID 1)' })
    .option('read-only', { type: 'boolean', describe: 'Mount the root filesystem read-only' })
    .option('read-only-tmpfs', { type: 'boolean', default: true, describe: 'With --read-only: writable tmpfs on /tmp, /var/tmp and /run' })
    .option('volume', { alias: 'v', ...repeatable('Bind mount or volume: [HOST-PATH|NAME:]CONTAINER-PATH[:ro,rw,z,Z,U,O,nocopy,noexec,...]') })
    .option('mount', repeatable('type=bind|volume|tmpfs,source=...,destination=...[,readonly,...] (docker syntax)'))
    .option('tmpfs', repeatable('Mount a tmpfs: CONTAINER-PATH[:size=64m,mode=1777,...]'))
    .option('stop-signal', { type: 'string', requiresArg: true, describe: 'Signal that stops the container (default: the image\'s, else SIGTERM)' })
    .option('stop-timeout', { type: 'string', requiresArg: true, describe: 'Seconds to wait after the stop signal before SIGKILL (default 10)' })
    .option('label', { alias: 'l', ...repeatable('Set a label (KEY=VALUE)') })
    .option('userns', { type: 'string', describe: 'User namespace mode: keep-id[:uid=N,gid=N], or "" for the default mapping' })
    .option('uidmap', repeatable('container:intermediate:size uid mapping (podman rootless semantics)'))
    .option('gidmap', repeatable('container:intermediate:size gid mapping'))
    .option('cap-add', repeatable('Add a capability (NET_ADMIN, CAP_NET_ADMIN, ALL)'))
    .option('cap-drop', repeatable('Drop a capability (or ALL)'))
    .option('privileged', { type: 'boolean', describe: 'Every capability, no seccomp filter, no masked paths' })
    .option('security-opt', repeatable('seccomp=unconfined, seccomp=FILE, no-new-privileges, label=disable'))
    .option('network', { alias: 'net', type: 'string', requiresArg: true, describe: 'slirp4netns[:OPTS] (default), pasta[:ARGS], none, host or container:NAME' })
    .option('publish', { alias: 'p', ...repeatable('Publish a port: [ip:][hostPort:]containerPort[/tcp|/udp], ranges allowed') })
    .option('publish-all', { alias: 'P', type: 'boolean', describe: 'Publish every port the image exposes on a random host port' })
    .option('dns', repeatable('DNS server for the container\'s /etc/resolv.conf (replaces the default ones)'))
    .option('dns-search', repeatable('DNS search domain ("." for none)'))
    .option('dns-option', repeatable('resolv.conf option, e.g. ndots:2'))
    .option('add-host', repeatable('Add NAME:IP to the container\'s /etc/hosts'))
    .option('pull', { type: 'string', requiresArg: true, describe: 'missing (default), always or never' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Do not print pull progress' }) as unknown as Argv<T & RunCreateArgs>;
}

/** The flags only `run` has (not `create`). */
export function addRunOnlyOptions<T>(y: Argv<T>) {
  return y
    .option('detach', { alias: 'd', type: 'boolean', describe: 'Run in the background and print the container id' })
    .option('detach-keys', { type: 'string', describe: 'Keys that detach from a -t container (default ctrl-p,ctrl-q; "" disables)' })
    .option('sig-proxy', { type: 'boolean', default: true, describe: 'Forward signals the CLI receives to the container' });
}
