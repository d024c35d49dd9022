/**
 * The flags `run` and `create` share (podman's names), and their translation into the engine's
 * CreateRequest (the yargs parser of these flags is run-parser.ts). Everything that can be checked without the image is checked here, before any pull
 * or write: a bad flag never leaves anything behind.
 */
import * as fs from 'node:fs';
import { TsctrError } from '@tsctr/engine/errors';
import type { ContainerSecuritySpec, ContainerUserNamespace, StorageDriver } from '@tsctr/engine/runtime/container-types';
import { validateCreateRequest, type CreateRequest } from '@tsctr/engine/runtime/containers/create-plan';
import { validateContainerName } from '@tsctr/engine/runtime/containers/names';
import { parseDetachKeys, DEFAULT_DETACH_KEYS } from '@tsctr/engine/runtime/containers/detach-keys';
import { resolveStorageDriver } from '@tsctr/engine/runtime/containers/storage-driver';
import { capabilityMask } from '@tsctr/engine/runtime/policy/capabilities';
import { parseSeccompProfile } from '@tsctr/engine/runtime/policy/seccomp/profile';
import { currentUser, readSubordinateIds } from '@tsctr/engine/runtime/subid-files';
import { parseUsernsOption, planMappings, type UsernsMode } from '@tsctr/engine/runtime/subids';
import { planUserMounts } from '@tsctr/engine/runtime/mounts/plan-user-mounts';
import { buildNetworkRequest, type NetworkRequest } from '@tsctr/engine/network/network-request';
import { readEnvFile } from './env-file';
import type { GlobalOptions } from './global-options';
import { cgroupSettingsFromArgs, limitsFromArgs, type CgroupArgs } from './limit-options';
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
