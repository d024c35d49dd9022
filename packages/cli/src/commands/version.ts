import type { CommandModule } from 'yargs';
import { readFileSync } from 'node:fs';
import { cliPackageJsonFile } from '@tsctr/engine/install-layout';

interface VersionArgs {
  format?: string;
}

export const command: CommandModule<object, VersionArgs> = {
  command: 'version',
  describe: 'Show the tsctr version',
  builder: (y) => y.option('format', { type: 'string', describe: 'json for machine-readable output' }),
  handler: (argv) => {
    const pkg = JSON.parse(readFileSync(cliPackageJsonFile(), 'utf8')) as { version: string };
    const info = { Version: pkg.version, NodeVersion: process.version, OsArch: `${process.platform}/${process.arch}` };
    if (argv.format === 'json') process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    else process.stdout.write(`Version:      ${info.Version}\nNode Version: ${info.NodeVersion}\nOS/Arch:      ${info.OsArch}\n`);
  },
};
