/**
 * The flags `run` and `create` share (podman's names), and their translation into the engine's
 * CreateRequest. Everything that can be checked without the image is checked here, before any pull
 * or write: a bad flag never leaves anything behind.
 */
import * as fs from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import type { ContainerSecuritySpec, ContainerUserNamespace, StorageDriver } from '@tsctr/engine/runtime/container-types';
import { validateCreateRequest, type CreateRequest } from '@tsctr/engine/runtime/containers/create-plan';
import { validateContainerName } from '@tsctr/engine/runtime/containers/names';
import { parseDetachKeys, DEFAULT_DETACH_KEYS } from '@tsctr/engine/runtime/containers/detach-keys';
import { resolveStorageDriver } from '@tsctr/engine/runtime/containers/storage-driver';
import { capabilityMask } from '@tsctr/engine/runtime/policy/capabilities';
import { parseSeccompProfile } from '@tsctr/engine/runtime/policy/seccomp/profile';
import { currentUser, readSubordinateIds } from '@tsctr/engine/runtime/userns';
import { parseUsernsOption, planMappings, type UsernsMode } from '@tsctr/engine/runtime/subids';
import { planUserMounts } from '@tsctr/engine/runtime/mounts/plan-user-mounts';
import { buildNetworkRequest, type NetworkRequest } from '@tsctr/engine/network/network-request';
import { readEnvFile } from './env-file';
import type { GlobalOptions } from './global-options';
import { addCgroupOptions, cgroupSettingsFromArgs, limitsFromArgs, type CgroupArgs } from './limit-options';
import { checkContainerLimits } from '@tsctr/engine/cgroups/container-cgroup';

export interface RunCreateArgs extends CgroupArgs {
  image: string;
  command?: (string | number)[];
  name?: string;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  env?: string | string[];
  'env-file'?: string | string[];
  workdir?: string;
  user?: string;
  'group-add'?: string | string[];
  entrypoint?: string;
  hostname?: string;
  init?: boolean;
  'read-only'?: boolean;
  'stop-signal'?: string;
  'stop-timeout'?: string;
  label?: string | string[];
  userns?: string;
  uidmap?: string | string[];
  gidmap?: string | string[];
  'cap-add'?: string | string[];
  'cap-drop'?: string | string[];
  privileged?: boolean;
  'security-opt'?: string | string[];
  network?: string;
  net?: string;
  publish?: string | string[];
  'publish-all'?: boolean;
  dns?: string | string[];
  'dns-search'?: string | string[];
  'dns-option'?: string | string[];
  'add-host'?: string | string[];
  pull?: string;
  quiet?: boolean;
  'detach-keys'?: string;
  'sig-proxy'?: boolean;
  'storage-driver'?: string;
  volume?: string | string[];
  mount?: string | string[];
  tmpfs?: string | string[];
  'read-only-tmpfs'?: boolean;
}

/** yargs gives a string for one use of a flag and an array for several. */
export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

const repeatable = (describe: string) => ({ type: 'string' as const, requiresArg: true, describe });

/**
 * `run`/`create` stop parsing options at the image, like podman: `tsctr run busybox ls -l` passes
 * `-l` to ls. yargs cannot do that for a subcommand, so the command's builder only halts parsing
 * (keeping every word after the command raw in argv._) and the handler parses them with
 * parseRunCreateWords. See docs/decisions.md.
 */
export function haltAtCommand<T>(y: Argv<T>): Argv<T> {
  return y.parserConfiguration({ 'halt-at-non-option': true }).strict(false);
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

/**
 * Parses the words after `run`/`create`: options up to the image, then the image, then the
 * command with its own options untouched. `--help` before the image prints the usage.
 */
export function parseRunCreateWords<A>(words: readonly string[], usage: string, extra: (y: Argv<RunCreateArgs>) => Argv<A>): (A & RunCreateArgs) | undefined {
  let failure: Error | undefined;
  let helped = false;
  const y = extra(addRunCreateOptions(yargs([...words])))
    .parserConfiguration({ 'halt-at-non-option': true })
    .usage(usage)
    .option('root', { type: 'string', hidden: true })
    .option('runroot', { type: 'string', hidden: true })
    .option('storage-driver', { type: 'string', describe: 'overlay or fuse-overlayfs' })
    .option('log-level', { type: 'string', hidden: true })
    .strict()
    .version(false)
    .help()
    .exitProcess(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      failure = err ?? new TsctrError(`${msg}\nSee '${usage.split(' ').slice(0, 2).join(' ')} --help'`);
    });
  const parsed = y.parseSync() as unknown as A & RunCreateArgs & { _: (string | number)[]; help?: boolean };
  if (failure) throw failure;
  if (parsed.help) helped = true;
  if (helped) return undefined;
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

/** Global options given after the command word win over those before it. */
export function mergeGlobalOptions<T extends GlobalOptions>(outer: GlobalOptions, inner: T): T {
  return {
    ...inner,
    root: inner.root ?? outer.root,
    runroot: inner.runroot ?? outer.runroot,
    'storage-driver': inner['storage-driver'] ?? outer['storage-driver'],
    'log-level': inner['log-level'] ?? outer['log-level'],
  };
}

export type PullPolicy = 'missing' | 'always' | 'never';

export function parsePullPolicy(value: string | undefined): PullPolicy {
  const v = value ?? 'missing';
  if (v === 'missing' || v === 'always' || v === 'never') return v;
  if (v === 'newer') return 'always';
  throw new TsctrError(`invalid --pull "${value}": use missing, always or never`);
}

/** --security-opt values, checked and read (a seccomp file is parsed now so a bad one fails create). */
export function parseSecurityOpts(values: readonly string[], readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): Pick<ContainerSecuritySpec, 'seccomp' | 'noNewPrivileges'> {
  let seccomp: ContainerSecuritySpec['seccomp'] = { kind: 'default' };
  let noNewPrivileges = false;
  for (const opt of values) {
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const value = eq < 0 ? undefined : opt.slice(eq + 1);
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') throw new TsctrError(`invalid --security-opt "${opt}": no-new-privileges takes true or false`);
      noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp' && value) {
      if (value === 'unconfined') seccomp = { kind: 'unconfined' };
      else {
        let text: string;
        try {
          text = readFile(value);
        } catch (err) {
          throw new TsctrError(`--security-opt seccomp=${value}: cannot read the profile: ${(err as Error).message}`);
        }
        parseSeccompProfile(text, value);
        seccomp = { kind: 'file', path: value, profile: text };
      }
    } else if (key === 'label' || key === 'apparmor') {
      // SELinux and AppArmor labels are not used by tsctr; accepted so podman command lines work.
    } else {
      throw new TsctrError(`invalid --security-opt "${opt}": supported are seccomp=unconfined, seccomp=FILE, no-new-privileges`);
    }
  }
  return { seccomp, noNewPrivileges };
}

/** --network and the flags that go with it (-p, -P, --dns*, --add-host), checked. */
export function parseNetwork(argv: RunCreateArgs): NetworkRequest {
  return buildNetworkRequest({
    network: argv.network ?? argv.net,
    publish: list(argv.publish),
    publishAll: argv['publish-all'] === true,
    dns: list(argv.dns),
    dnsSearch: list(argv['dns-search']),
    dnsOption: list(argv['dns-option']),
    addHost: list(argv['add-host']),
  });
}

export function parseStopTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new TsctrError(`invalid --stop-timeout "${value}": give a whole number of seconds, 0 or more`);
  return Number(value);
}

function usernsMode(argv: RunCreateArgs): { mode: ContainerUserNamespace['mode']; parsed: UsernsMode } {
  const uidmap = list(argv.uidmap);
  const gidmap = list(argv.gidmap);
  if (uidmap.length > 0 || gidmap.length > 0) {
    if (argv.userns) throw new TsctrError('--userns cannot be combined with --uidmap/--gidmap: choose one');
    return { mode: 'custom', parsed: { kind: 'custom', uidmap, gidmap } };
  }
  const parsed = parseUsernsOption(argv.userns);
  return { mode: parsed.kind, parsed };
}

/**
 * Every flag turned into the engine's CreateRequest, validated (including --env-file contents,
 * capability names, the seccomp profile and the id mappings), with no side effect.
 */
export function buildCreateRequest(argv: RunCreateArgs): CreateRequest {
  if (argv.name !== undefined) validateContainerName(argv.name);
  if (argv['detach-keys'] !== undefined) parseDetachKeys(argv['detach-keys']);
  const capAdd = list(argv['cap-add']);
  const capDrop = list(argv['cap-drop']);
  capabilityMask(capAdd, '--cap-add');
  capabilityMask(capDrop, '--cap-drop');
  const { mode, parsed } = usernsMode(argv);
  const request: Omit<CreateRequest, 'userns'> = {
    name: argv.name,
    command: (argv.command ?? []).map(String),
    entrypoint: argv.entrypoint,
    env: list(argv.env),
    envFromFiles: list(argv['env-file']).flatMap((file) => readEnvFile(file)),
    workdir: argv.workdir,
    user: argv.user,
    groupAdd: list(argv['group-add']),
    hostname: argv.hostname,
    init: argv.init !== false,
    readOnly: argv['read-only'] === true,
    stopSignal: argv['stop-signal'],
    stopTimeout: parseStopTimeout(argv['stop-timeout']),
    labels: list(argv.label),
    tty: argv.tty === true,
    interactive: argv.interactive === true,
    autoRemove: argv.rm === true,
    mounts: planUserMounts({ volumes: list(argv.volume), mounts: list(argv.mount), tmpfs: list(argv.tmpfs), readOnly: argv['read-only'] === true, readOnlyTmpfs: argv['read-only-tmpfs'] !== false }),
    storageDriver: resolveStorageDriver(argv['storage-driver']) satisfies StorageDriver,
    resources: limitsFromArgs(argv),
    cgroups: cgroupSettingsFromArgs(argv),
    network: parseNetwork(argv).config,
    security: {
      privileged: argv.privileged === true,
      capAdd,
      capDrop,
      readOnly: argv['read-only'] === true,
      ...parseSecurityOpts(list(argv['security-opt'])),
    },
  };
  validateCreateRequest(request);
  // Last: the mapping needs the subordinate id files, and flag mistakes are the likelier error.
  const user = currentUser();
  const mappings = planMappings(parsed, user, readSubordinateIds(user));
  // podman: with keep-id the process runs as the user's own ids unless -u says otherwise.
  const keepIdUser = parsed.kind === 'keep-id' && argv.user === undefined ? `${parsed.uid ?? user.uid}:${parsed.gid ?? user.gid}` : undefined;
  // A limit this host cannot apply fails now (exit 125), before any pull or write.
  checkContainerLimits(request.resources, request.cgroups);
  return { ...request, ...(keepIdUser !== undefined && { user: keepIdUser }), userns: { mode, mappings } };
}

export function detachKeysFrom(argv: { 'detach-keys'?: string }): Buffer {
  return parseDetachKeys(argv['detach-keys'] ?? DEFAULT_DETACH_KEYS);
}
