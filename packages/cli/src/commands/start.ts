import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { launchContainer } from '@tsctr/engine/network/launch-container';
import { hasLiveEngine } from '@tsctr/engine/runtime/containers/lifecycle';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { attachAndReport } from '../attach-session';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { detachKeysFrom } from '../run-options';

interface StartArgs extends GlobalOptions {
  containers: string[];
  attach?: boolean;
  interactive?: boolean;
  'detach-keys'?: string;
  'sig-proxy'?: boolean;
}

export const command: CommandModule<object, StartArgs> = {
  command: 'start <containers..>',
  describe: 'Start one or more containers',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })
      .option('attach', { alias: 'a', type: 'boolean', describe: 'Attach to the container\'s output (one container only)' })
      .option('interactive', { alias: 'i', type: 'boolean', describe: 'Attach stdin too' })
      .option('detach-keys', { type: 'string', describe: 'Keys that detach from a -t container (default ctrl-p,ctrl-q)' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'Forward signals to the container (with --attach)' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const attach = argv.attach === true || argv.interactive === true;
    if (attach && argv.containers.length > 1) throw new TsctrError('you cannot start and attach multiple containers at once: give one container with --attach');
    const detachKeys = detachKeysFrom(argv);
    let failed = false;
    for (const ref of argv.containers) {
      try {
        const record = await findContainer(paths, ref);
        if (!hasLiveEngine(record.state)) await launchContainer(paths, record.config, { attachWait: attach });
        if (!attach) {
          process.stdout.write(`${ref}\n`);
          continue;
        }
        const { exitCode } = await attachAndReport(paths, record.config, { stdin: argv.interactive === true, detachKeys, sigProxy: argv['sig-proxy'] !== false });
        process.exitCode = exitCode;
      } catch (err) {
        if (argv.containers.length === 1) throw err;
        process.stderr.write(`Error: ${(err as Error).message}\n`);
        failed = true;
      }
    }
    if (failed) process.exitCode = 125;
  },
};
