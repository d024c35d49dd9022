import { parseNetwork, parsePullPolicy, parseSecurityOpts, parseStopTimeout, mergeGlobalOptions } from '../src/run-options';
import { parseRunCreateWords, wordsAfterCommand } from '../src/run-parser';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readEnvFile } from '../src/env-file';

describe('wordsAfterCommand', () => {
  it('drops the command path yargs repeats before the raw words', () => {
    expect(wordsAfterCommand(['run', 'run', '--rm', 'busybox', 'ls', '-l'])).toEqual(['--rm', 'busybox', 'ls', '-l']);
    expect(wordsAfterCommand(['container', 'run', 'container', 'run', 'busybox'])).toEqual(['busybox']);
    expect(wordsAfterCommand(['run', 'run', 'run'])).toEqual(['run']);
  });
});

describe('parseRunCreateWords', () => {
  const parse = (words: string[]) => parseRunCreateWords(words, 'tsctr run [options] IMAGE', (y) => y.option('detach', { alias: 'd', type: 'boolean' }));

  it('stops at the image: the command keeps its own options', () => {
    const a = parse(['--rm', '-it', '-e', 'A=1', '-e', 'B=2', '--name', 'x', 'busybox', 'ls', '-l', '-t', '--name']);
    expect(a).toMatchObject({ image: 'busybox', command: ['ls', '-l', '-t', '--name'], rm: true, interactive: true, tty: true, name: 'x', env: ['A=1', 'B=2'] });
  });

  it('reads --init=false and -d', () => {
    expect(parse(['--init=false', '-d', 'busybox'])).toMatchObject({ init: false, detach: true, command: [] });
  });

  it('refuses unknown options before the image', () => {
    expect(() => parse(['--bogus', 'busybox'])).toThrow(/Unknown argument: bogus/);
  });

  it('needs an image', () => {
    expect(() => parse(['--rm'])).toThrow(/missing image/);
  });

  it('global options after the command win over those before it', () => {
    expect(mergeGlobalOptions({ root: '/a', runroot: '/r' }, { root: '/b' })).toMatchObject({ root: '/b', runroot: '/r' });
  });
});

describe('flag values', () => {
  it('--pull', () => {
    expect(parsePullPolicy(undefined)).toBe('missing');
    expect(parsePullPolicy('never')).toBe('never');
    expect(() => parsePullPolicy('sometimes')).toThrow(/invalid --pull "sometimes": use missing, always or never/);
  });

  it('--network (default slirp4netns) with -p, -P, --dns*, --add-host', () => {
    expect(parseNetwork({ image: 'x' }).config).toEqual({ mode: 'slirp4netns', options: [] });
    const parsed = parseNetwork({ image: 'x', net: 'pasta', publish: ['8080:80', '53/udp'], 'publish-all': true, 'add-host': 'db:10.0.0.5' });
    expect(parsed.publishAll).toBe(true);
    expect(parsed.config).toMatchObject({ mode: 'pasta', ports: [{ hostPort: 8080, containerPort: 80 }, { hostPort: 0, containerPort: 53, protocol: 'udp' }], addHosts: [{ name: 'db', ip: '10.0.0.5' }] });
    expect(() => parseNetwork({ image: 'x', network: 'bridge' })).toThrow(/invalid --network "bridge"/);
  });

  it('--stop-timeout', () => {
    expect(parseStopTimeout('5')).toBe(5);
    expect(() => parseStopTimeout('-1')).toThrow(/invalid --stop-timeout/);
  });

  it('--security-opt', () => {
    expect(parseSecurityOpts(['seccomp=unconfined', 'no-new-privileges'])).toEqual({ seccomp: { kind: 'unconfined' }, noNewPrivileges: true });
    expect(parseSecurityOpts(['label=disable'])).toEqual({ seccomp: { kind: 'default' }, noNewPrivileges: false });
    expect(() => parseSecurityOpts(['apparmor'])).not.toThrow();
    expect(() => parseSecurityOpts(['mask=/x'])).toThrow(/invalid --security-opt "mask=\/x"/);
    const profile = '{"defaultAction":"SCMP_ACT_ALLOW"}';
    expect(parseSecurityOpts(['seccomp=/p.json'], () => profile).seccomp).toEqual({ kind: 'file', path: '/p.json', profile });
  });

  it('a seccomp file that does not parse names the field', () => {
    expect(() => parseSecurityOpts(['seccomp=/p.json'], () => '{"defaultAction":"NOPE"}')).toThrow(/seccomp profile \/p.json: defaultAction/);
    expect(() => parseSecurityOpts(['seccomp=/missing.json'], () => { throw new Error('ENOENT'); })).toThrow(/cannot read the profile/);
  });
});

describe('--env-file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-env-file-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads KEY=VALUE lines, skips comments and blanks, keeps bare keys for the host to fill', () => {
    const file = path.join(dir, 'vars.env');
    fs.writeFileSync(file, '# c\n\nA=1\n  B=two words\nHOSTVAR\n');
    expect(readEnvFile(file)).toEqual([{ key: 'A', value: '1' }, { key: 'B', value: 'two words' }, { key: 'HOSTVAR' }]);
  });
  it('names the file and line of a bad entry', () => {
    const file = path.join(dir, 'bad.env');
    fs.writeFileSync(file, 'A=1\n=x\n');
    expect(() => readEnvFile(file)).toThrow(`--env-file ${file} line 2: "=x" has no variable name`);
  });
  it('names a file it cannot read', () => {
    expect(() => readEnvFile(path.join(dir, 'missing.env'))).toThrow(/--env-file .*missing.env: cannot read it: ENOENT/);
  });
});
