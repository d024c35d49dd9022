import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { pullImage } from '@tsctr/engine/image/pull';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { createPullReporter } from '../output/pull-bars';
import { parseCredentialsFlag } from '../output/credentials-flag';

export interface PullArgs extends GlobalOptions {
  image: string;
  quiet?: boolean;
  platform?: string;
  arch?: string;
  variant?: string;
  'tls-verify'?: boolean;
  creds?: string;
}

export const pullBuilder = <T>(y: import('yargs').Argv<T>) =>
  y
    .positional('image', { type: 'string', demandOption: true, describe: 'Image to pull, e.g. alpine or localhost:5000/busybox:latest' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print only the image id' })
    .option('platform', { type: 'string', describe: 'Platform to choose from a multi-platform image: os/arch[/variant]' })
    .option('arch', { type: 'string', describe: 'Architecture to choose (host os), e.g. arm64' })
    .option('variant', { type: 'string', describe: 'Architecture variant, e.g. v8' })
    .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates (default: registries.conf)' })
    .option('creds', { type: 'string', describe: 'Credentials user:password for the registry' });

export async function pullHandler(argv: PullArgs): Promise<void> {
  if (argv.platform && argv.arch) throw new TsctrError('--platform and --arch cannot be used together: give the architecture in --platform os/arch');
  const reporter = createPullReporter({ quiet: Boolean(argv.quiet) });
  try {
    const result = await pullImage(argv.image, {
      paths: storePathsFrom(argv),
      platform: argv.platform,
      arch: argv.arch,
      variant: argv.variant,
      tlsVerify: argv['tls-verify'],
      quiet: argv.quiet,
      creds: argv.creds === undefined ? undefined : parseCredentialsFlag(argv.creds),
      onProgress: (event) => {
        if (event.kind === 'warning') process.stderr.write(`WARNING: ${event.message}\n`);
        else reporter.onEvent(event);
      },
    });
    reporter.stop();
    process.stdout.write(`${result.id}\n`);
  } catch (err) {
    reporter.stop();
    throw err;
  }
}

export const command: CommandModule<object, PullArgs> = {
  command: 'pull <image>',
  describe: 'Pull an image from a registry',
  builder: (y) => pullBuilder(y) as never,
  handler: pullHandler,
};
