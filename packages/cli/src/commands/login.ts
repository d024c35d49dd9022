import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { saveCredentials } from '@tsctr/engine/image/auth';
import { verifyRegistryLogin } from '@tsctr/engine/image/image-login';
import { findRegistryEntry, loadRegistriesConfig } from '@tsctr/engine/image/registries-conf';
import type { GlobalOptions } from '../global-options';

interface LoginArgs extends GlobalOptions {
  registry: string;
  username?: string;
  password?: string;
  'password-stdin'?: boolean;
  'tls-verify'?: boolean;
  authfile?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Pure: the flag rules of podman login (no prompting: tsctr never asks interactively). */
export function checkLoginArgs(argv: Pick<LoginArgs, 'username' | 'password' | 'password-stdin'>): void {
  if (argv.password !== undefined && argv['password-stdin']) throw new TsctrError('--password and --password-stdin are mutually exclusive');
  if (!argv.username) throw new TsctrError('missing --username (-u): tsctr login does not prompt');
  if (argv.password === undefined && !argv['password-stdin']) throw new TsctrError('missing password: give --password (-p) or --password-stdin');
}

/** Pure: `https://host/v1/` or `host/path` as typed -> the host[:port] to contact. */
export function registryHost(input: string): string {
  return input.replace(/^https?:\/\//, '').split('/')[0];
}

export const command: CommandModule<object, LoginArgs> = {
  command: 'login <registry>',
  describe: 'Log in to a registry (credentials are checked, then saved in auth.json)',
  builder: (y) =>
    y
      .positional('registry', { type: 'string', demandOption: true, describe: 'Registry host[:port]' })
      .option('username', { alias: 'u', type: 'string', describe: 'User name' })
      .option('password', { alias: 'p', type: 'string', describe: 'Password (visible in ps: prefer --password-stdin)' })
      .option('password-stdin', { type: 'boolean', describe: 'Read the password from stdin' })
      .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates (default: registries.conf)' })
      .option('authfile', { type: 'string', describe: 'Path of the auth file (default: $XDG_RUNTIME_DIR/containers/auth.json)' }) as never,
  handler: async (argv) => {
    checkLoginArgs(argv);
    const password = argv.password ?? (await readStdin());
    const host = registryHost(argv.registry);
    const configured = findRegistryEntry(loadRegistriesConfig(), host)?.entry.insecure ?? false;
    const insecure = argv['tls-verify'] === undefined ? configured : !argv['tls-verify'];
    const creds = { username: argv.username as string, password };
    await verifyRegistryLogin(host, creds, { insecure });
    await saveCredentials(argv.registry, creds.username, creds.password, { authFile: argv.authfile });
    process.stdout.write('Login Succeeded!\n');
  },
};
