/* eslint-disable @typescript-eslint/no-require-imports */
import type { CommandModule } from 'yargs';
import { pruneContainers } from '@tsctr/engine/runtime/containers/remove';
import { storePathsFrom, type GlobalOptions } from '../global-options';

type Module = { command: CommandModule<object, never> };

/** `container <sub>`: podman's management command; every subcommand is the top-level one. */
const SUBCOMMANDS: readonly [string, () => Module, readonly string[]][] = [
  ['create', () => require('./create'), []],
  ['run', () => require('./run'), []],
  ['start', () => require('./start'), []],
  ['stop', () => require('./stop'), []],
  ['kill', () => require('./kill'), []],
  ['rm', () => require('./rm'), ['remove']],
  ['wait', () => require('./wait'), []],
  ['logs', () => require('./logs'), []],
  ['inspect', () => require('./inspect'), []],
  ['rename', () => require('./rename'), []],
  ['ps', () => require('./ps'), ['ls', 'list']],
  ['port', () => require('./port'), []],
  ['exec', () => require('./exec'), []],
  ['attach', () => require('./attach'), []],
  ['cp', () => require('./cp'), []],
  ['top', () => require('./top'), []],
  ['diff', () => require('./diff'), []],
  ['stats', () => require('./stats'), []],
  ['update', () => require('./update'), []],
];

const prune: CommandModule<object, GlobalOptions> = {
  command: 'prune',
  describe: 'Remove every stopped (exited or created) container',
  builder: (y) => y.option('force', { alias: 'f', type: 'boolean', describe: 'Do not ask (tsctr never asks)' }) as never,
  handler: async (argv) => {
    for (const id of await pruneContainers(storePathsFrom(argv))) process.stdout.write(`${id}\n`);
  },
};

export const command: CommandModule<object, object> = {
  command: 'container',
  describe: 'Manage containers (create, run, start, stop, kill, rm, wait, logs, inspect, rename, ls, port, exec, attach, cp, top, diff, stats, update, prune)',
  builder: (y) => {
    let out = y;
    for (const [, load, aliases] of SUBCOMMANDS) {
      const mod = load().command;
      out = out.command({ ...mod, aliases: [...aliases] } as CommandModule<object, never>);
    }
    return out.command(prune as CommandModule<object, never>).demandCommand(1, 'missing subcommand: run "tsctr container --help"');
  },
  handler: () => undefined,
};
