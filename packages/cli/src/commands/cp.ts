import type { CommandModule } from 'yargs';
import { copyFiles } from '@tsctr/engine/runtime/copy/copy-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';

interface CpArgs extends GlobalOptions {
  src: string | boolean;
  dst: string | boolean;
  archive?: boolean;
}

/** yargs parses a lone "-" as `true` when the positional has no type (and as "" with type string). */
const word = (value: string | boolean): string => (value === true ? '-' : String(value));

export const command: CommandModule<object, CpArgs> = {
  command: 'cp <src> <dst>',
  describe: 'Copy files between a container and the host (CONTAINER:PATH on one side; "-" is a tar stream)',
  builder: (y) =>
    y
      .positional('src', { demandOption: true, describe: 'CONTAINER:PATH, a host path, or - (tar on stdin)' })
      .positional('dst', { demandOption: true, describe: 'CONTAINER:PATH, a host path, or - (tar on stdout)' })
      .option('archive', { alias: 'a', type: 'boolean', describe: 'Keep uid/gid of the copied files (default: files copied in belong to the container\'s root)' }) as never,
  handler: async (argv) => {
    await copyFiles(storePathsFrom(argv), word(argv.src), word(argv.dst), { archive: argv.archive === true, stdin: process.stdin, stdout: process.stdout });
  },
};
