import yargs from 'yargs';
import { skipHelpCache } from '../src/yargs-help-cache';

type Internals = { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } };
const cached = (y: unknown): boolean => (y as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage();

function cli(args: string[], onRun: () => void) {
  return yargs(args).command('hello', 'says hello', (b) => b.option('loud', { type: 'boolean', describe: 'shout' }), onRun).help().exitProcess(false);
}

describe('skipHelpCache', () => {
  it('yargs renders the help text after a handler starts; with skipHelpCache it does not, and the handler still runs', async () => {
    const plain = cli(['hello'], () => undefined);
    await plain.parseAsync();
    expect(cached(plain)).toBe(true);

    let ran = 0;
    const skipped = cli(['hello', '--loud'], () => void ran++);
    expect(skipHelpCache(skipped)).toBe(true);
    await skipped.parseAsync();
    expect(ran).toBe(1);
    expect(cached(skipped)).toBe(false);
  });

  it('--help still prints the command\'s help', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const y = cli(['hello', '--help'], () => undefined);
      skipHelpCache(y);
      await y.parseAsync();
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/--loud\s+shout/);
    } finally {
      log.mockRestore();
    }
  });

  it('changes nothing on an object without yargs\' internals', () => {
    expect(skipHelpCache({} as never)).toBe(false);
  });
});
