import { RUN_FLAGS, parseRunArgvFast } from '../src/run-fast-argv';
import { mergeGlobalOptions } from '../src/run-options';
import { addRunOnlyOptions, parseRunCreateWords, runCreateParser, wordsAfterCommand } from '../src/run-parser';
import { findCommandName } from '../src/main';

const USAGE = 'tsctr run [options] IMAGE [COMMAND [ARG...]]';

interface YargsOptions {
  boolean: string[];
  string: string[];
  alias: Record<string, string[]>;
  default: Record<string, unknown>;
}

/** What `tsctr ARGV` gives run's handler through yargs (outer global options merged as main.ts does). */
function parseWithYargs(argv: readonly string[]): Record<string, unknown> | undefined {
  const at = argv.indexOf('run');
  const outer: Record<string, string> = {};
  for (let i = 0; i < at; i += 2) outer[argv[i].replace(/^--/, '').split('=')[0]] = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const parsed = parseRunCreateWords(wordsAfterCommand(['run', ...argv.slice(at)]), USAGE, addRunOnlyOptions);
  return parsed && (mergeGlobalOptions(outer, parsed) as unknown as Record<string, unknown>);
}

/** The keys run's code reads: every flag's long name, the image and the command. */
function project(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...Object.keys(RUN_FLAGS), 'image', 'command']) if (args[key] !== undefined) out[key] = args[key];
  if (args.net !== undefined && out.network === undefined) out.network = args.net;
  return out;
}

describe('RUN_FLAGS', () => {
  it('declares every flag of the yargs parser with the same type, short alias and default', () => {
    // getOptions() is yargs API that its type definitions leave out.
    const options = (runCreateParser([], USAGE, addRunOnlyOptions) as unknown as { getOptions(): YargsOptions }).getOptions();
    const declared = new Set([...options.boolean, ...options.string].filter((k) => k !== 'help' && !/[A-Z]/.test(k)));
    const aliasNames = new Set(Object.values(options.alias).flat());
    const longNames = [...declared].filter((k) => !aliasNames.has(k) || Object.keys(options.alias).includes(k));
    expect(Object.keys(RUN_FLAGS).sort()).toEqual(longNames.filter((k) => k.length > 1 && k !== 'net').sort());
    for (const [name, spec] of Object.entries(RUN_FLAGS)) {
      expect([name, options[spec.type].includes(name)]).toEqual([name, true]);
      const shorts = (options.alias[name] ?? []).filter((a) => a.length === 1);
      // -h (hostname) is left to yargs on purpose.
      expect([name, shorts.filter((a) => a !== 'h')]).toEqual([name, spec.alias ? [spec.alias] : []]);
      expect([name, options.default[name]]).toEqual([name, spec.default]);
    }
  });
});

describe('parseRunArgvFast', () => {
  const agreeing: string[][] = [
    ['run', 'busybox'],
    ['run', '--rm', 'busybox', 'echo', 'hello'],
    ['--root', '/r', '--runroot=/rr', 'run', '--rm', '--network', 'none', 'localhost:5000/busybox', 'true'],
    ['run', '-it', '--name', 'web', '-p', '8080:80', '-p', '8443:443', '-e', 'A=1', '--env=B=2', '-v', '/a:/b:ro', 'busybox', 'sh', '-c', 'echo $A'],
    ['run', '-d', '--net', 'host', '--rm', 'busybox', 'sleep', '100'],
    ['run', '-dit', '--pull', 'never', '-w', '/tmp', '-u', '1000:1000', '--entrypoint', '', 'busybox', '-l', '--rm'],
    ['run', '--name', 'a', '--name', 'b', 'busybox'],
    ['run', '--memory', '64m', '--cpus=0.5', '--pids-limit', '10', '--cgroups', 'disabled', 'busybox'],
    ['run', '--userns', 'keep-id', '--cap-add', 'NET_ADMIN', '--cap-drop=ALL', '--security-opt', 'seccomp=unconfined', '--privileged', 'busybox'],
    ['run', '--read-only', '--tmpfs', '/run', '--mount', 'type=tmpfs,destination=/x', '--label', 'k=v', '-l', 'a', 'busybox'],
    ['run', '--dns', '1.1.1.1', '--dns-search', '.', '--add-host', 'h:1.2.3.4', '-P', '-q', 'busybox', 'echo', '1e3', '0x10'],
    ['run', '--detach-keys', 'ctrl-a', '--sig-proxy', '--init', '--stop-timeout', '5', '--stop-signal', 'SIGINT', '--hostname', 'h', 'busybox'],
    ['run', '--root', '/r', 'busybox'],
  ];

  it.each(agreeing.map((argv) => [argv.join(' '), argv] as const))('gives what yargs gives: tsctr %s', (_, argv) => {
    const fast = parseRunArgvFast(argv);
    expect(fast).toBeDefined();
    expect(project(fast as unknown as Record<string, unknown>)).toEqual(project(parseWithYargs(argv) as Record<string, unknown>));
  });

  it('leaves to yargs what it does not read: errors, help, negations, attached values', () => {
    for (const argv of [
      ['ps'],
      ['container', 'run', 'busybox'],
      ['run'],
      ['run', '--rm'],
      ['run', '--help'],
      ['run', '-h', 'host', 'busybox'],
      ['run', '--bogus', 'busybox'],
      ['run', '--no-init', 'busybox'],
      ['run', '--init=false', 'busybox'],
      ['run', '--name'],
      ['run', '--name', '--rm', 'busybox'],
      ['run', '-eA=1', 'busybox'],
      ['run', '-ip', '80', 'busybox'],
      ['run', '--pids-limit', '-1', 'busybox'],
      ['run', '--', 'busybox'],
      ['--bogus', 'run', 'busybox'],
      ['--rm', 'run', 'busybox'],
    ]) {
      expect([argv, parseRunArgvFast(argv)]).toEqual([argv, undefined]);
    }
  });

  it('finds the command the way main does', () => {
    expect(findCommandName(['--root', '/r', 'run', 'busybox'])).toBe('run');
  });
});
