import type { Argv } from 'yargs';
import { resolveStorePaths, type StorePaths } from '@tsctr/engine/storage/paths';

/** Options every command accepts (podman's global flags that matter here). */
export interface GlobalOptions {
  root?: string;
  runroot?: string;
  'storage-driver'?: string;
  'log-level'?: string;
}

/** Names of global options that take a value: the command finder skips their values. */
export const globalOptionsWithValue = new Set(['--root', '--runroot', '--storage-driver', '--log-level']);

export function addGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalOptions> {
  return y
    .option('root', { type: 'string', describe: 'Path to the data root (images, containers)', global: true })
    .option('runroot', { type: 'string', describe: 'Path to the run root (sockets, pids)', global: true })
    .option('storage-driver', { type: 'string', describe: 'overlay or fuse-overlayfs', global: true })
    .option('log-level', { type: 'string', describe: 'error, warn, info or debug', global: true }) as Argv<T & GlobalOptions>;
}

export function storePathsFrom(argv: GlobalOptions): StorePaths {
  return resolveStorePaths({ root: argv.root, runroot: argv.runroot });
}
