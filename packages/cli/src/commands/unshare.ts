import type { CommandModule } from 'yargs';
import { launchInUserNamespace, waitForExit } from '@tsctr/engine/runtime/userns';

interface UnshareArgs {
  command?: string[];
  '--'?: string[];
}

const USAGE = `Usage: tsctr unshare [--] [COMMAND [ARG...]]

Runs COMMAND (default: $SHELL or /bin/sh) as root of a user namespace that maps your subordinate
ids (as containers see them), in a new mount namespace. Every word after "unshare" belongs to COMMAND.`;

/**
 * With halt-at-non-option, yargs leaves everything from the command's own name on in argv['--']:
 * the words after the name (and an optional "--") are the user's command, options included.
 */
function commandAfter(name: string, argv: UnshareArgs): string[] {
  const words = argv['--'] ?? [];
  const rest = words.slice(words.indexOf(name) + 1);
  return rest[0] === '--' ? rest.slice(1) : rest;
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * `tsctr unshare [CMD...]`, like `podman unshare`: CMD (default $SHELL) as root of a user namespace
 * with the default mapping, in a new mount namespace, stdio inherited, exit code propagated.
 */
export const command: CommandModule<object, UnshareArgs> = {
  command: 'unshare [command..]',
  describe: 'Run a command in a user namespace with your subordinate ids (default: your shell)',
  builder: (y) =>
    y
      .parserConfiguration({ 'halt-at-non-option': true, 'populate--': true, 'parse-positional-numbers': false })
      .positional('command', { type: 'string', array: true, describe: 'Command and arguments (default: $SHELL or /bin/sh)' })
      .usage(USAGE)
      .example('$0 unshare ls -ln ~/.local/share/tsctr/layers', 'see layer files with the owners the container sees'),
  handler: async (argv) => {
    const cmd = commandAfter('unshare', argv);
    if (cmd[0] === '--help' || cmd[0] === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (cmd.length === 0) cmd.push(process.env.SHELL || '/bin/sh');
    const child = await launchInUserNamespace({ argv: cmd, unshare: ['mnt'], pdeathsig: 'SIGKILL', stdio: ['inherit', 'inherit', 'inherit'] });
    // The terminal sends SIGINT/SIGQUIT to the whole foreground group; the CLI outlives the child to report its status.
    const forward = (sig: NodeJS.Signals): void => {
      if (sig !== 'SIGINT' && sig !== 'SIGQUIT') child.kill(sig);
    };
    for (const sig of FORWARDED_SIGNALS) process.on(sig, forward);
    const code = await waitForExit(child);
    for (const sig of FORWARDED_SIGNALS) process.off(sig, forward);
    process.exitCode = code;
  },
};
