import { TsctrError } from '@tsctr/engine/errors';
import {
  DEFAULT_PATH,
  parseEntrypointFlag,
  parseEnvFile,
  parseEnvFlag,
  planCommand,
  planEnv,
  planWorkingDir,
} from '@tsctr/engine/runtime/policy/process';

describe('planCommand', () => {
  const image = { imageEntrypoint: ['/entry.sh'], imageCmd: ['serve', '--port', '80'] };

  it('runs the image entrypoint with the image cmd', () => {
    expect(planCommand({ ...image, args: [] })).toEqual({ argv: ['/entry.sh', 'serve', '--port', '80'], entrypoint: ['/entry.sh'], cmd: ['serve', '--port', '80'] });
  });

  it('replaces the image cmd with the words after the image', () => {
    expect(planCommand({ ...image, args: ['sh'] }).argv).toEqual(['/entry.sh', 'sh']);
  });

  it('--entrypoint replaces the entrypoint and drops the image cmd', () => {
    expect(planCommand({ ...image, entrypoint: '/bin/ls', args: [] })).toEqual({ argv: ['/bin/ls'], entrypoint: ['/bin/ls'], cmd: null });
    expect(planCommand({ ...image, entrypoint: '/bin/ls', args: ['-l'] }).argv).toEqual(['/bin/ls', '-l']);
  });

  it('--entrypoint "" clears the entrypoint', () => {
    expect(planCommand({ ...image, entrypoint: '', args: ['echo', 'hi'] })).toEqual({ argv: ['echo', 'hi'], entrypoint: [], cmd: ['echo', 'hi'] });
  });

  it('accepts a JSON array entrypoint', () => {
    expect(parseEntrypointFlag('["/bin/sh","-c"]')).toEqual(['/bin/sh', '-c']);
    expect(parseEntrypointFlag('[weird')).toEqual(['[weird']);
    expect(() => parseEntrypointFlag('[1,2]')).toThrow(TsctrError);
  });

  it('runs an image without entrypoint', () => {
    expect(planCommand({ imageEntrypoint: null, imageCmd: ['sh'], args: [] })).toEqual({ argv: ['sh'], entrypoint: null, cmd: ['sh'] });
    expect(planCommand({ imageEntrypoint: undefined, imageCmd: ['sh'], args: ['echo', 'x'] }).argv).toEqual(['echo', 'x']);
  });

  it('refuses to run nothing', () => {
    expect(() => planCommand({ imageEntrypoint: null, imageCmd: null, args: [] })).toThrow(/no command given/);
    expect(() => planCommand({ imageEntrypoint: undefined, imageCmd: undefined, args: [] })).toThrow(/no command given/);
    expect(() => planCommand({ imageEntrypoint: null, imageCmd: [''], args: [] })).toThrow(/no command given/);
    expect(() => planCommand({ ...image, entrypoint: '', args: [] })).toThrow(/no command given/);
  });
});

describe('env files and -e', () => {
  it('parses an env file', () => {
    const text = '# settings\n\nA=1\n  B=indented\nC="quoted value"\nD=\nPASSED\nE=x=y\r\nF= spaced \n';
    expect(parseEnvFile(text, 'app.env')).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'indented' },
      { key: 'C', value: '"quoted value"' },
      { key: 'D', value: '' },
      { key: 'PASSED' },
      { key: 'E', value: 'x=y' },
      { key: 'F', value: ' spaced ' },
    ]);
  });

  it('ignores blanks after a lone name, and takes a value up to the end of the line', () => {
    expect(parseEnvFile('# c\n\nA=1\n  B=two words\nHOSTVAR  \nMISSING\t\n', 'f')).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'two words' },
      { key: 'HOSTVAR' },
      { key: 'MISSING' },
    ]);
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseEnvFile('A=1\nB C=2\n', 'app.env')).toThrow('--env-file app.env line 2: variable name "B C" contains whitespace');
    expect(() => parseEnvFile('=oops\n', 'app.env')).toThrow('--env-file app.env line 1: "=oops" has no variable name');
  });

  it('parses -e values', () => {
    expect(parseEnvFlag('A=b=c')).toEqual({ key: 'A', value: 'b=c' });
    expect(parseEnvFlag('A')).toEqual({ key: 'A' });
    expect(() => parseEnvFlag('=x')).toThrow(/--env: "=x" has no variable name/);
  });
});

describe('planEnv', () => {
  const base = { imageEnv: [], envFileEntries: [], cliEnv: [], callerEnv: {}, hostname: 'abc123', tty: false };

  it('provides PATH and HOSTNAME', () => {
    expect(planEnv(base)).toEqual([`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc123']);
  });

  it('adds TERM=xterm with a terminal', () => {
    expect(planEnv({ ...base, tty: true })).toContain('TERM=xterm');
    expect(planEnv({ ...base, tty: true, imageEnv: ['TERM=vt100'] })).toContain('TERM=vt100');
  });

  it('layers image env, env files, then -e; later values replace earlier ones', () => {
    const env = planEnv({
      ...base,
      imageEnv: ['PATH=/bin', 'A=image', 'B=image', 'C=image'],
      envFileEntries: [{ key: 'B', value: 'file' }, { key: 'C', value: 'file' }, { key: 'D', value: 'file' }],
      cliEnv: [{ key: 'C', value: 'cli' }, { key: 'E', value: 'cli' }],
    });
    expect(env).toEqual(['PATH=/bin', 'HOSTNAME=abc123', 'A=image', 'B=file', 'C=cli', 'D=file', 'E=cli']);
  });

  it('takes values of bare names from the caller, and drops names the caller does not have', () => {
    const env = planEnv({ ...base, cliEnv: [{ key: 'USER' }, { key: 'NOT_SET' }], envFileEntries: [{ key: 'LANG' }], callerEnv: { USER: 'me', LANG: 'C.UTF-8' } });
    expect(env).toEqual([`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc123', 'LANG=C.UTF-8', 'USER=me']);
  });

  it('lets -e override HOSTNAME', () => {
    expect(planEnv({ ...base, cliEnv: [{ key: 'HOSTNAME', value: 'mine' }] })).toContain('HOSTNAME=mine');
  });
});

describe('planWorkingDir', () => {
  it('prefers -w, then the image, then /', () => {
    expect(planWorkingDir('/work', '/app')).toBe('/work');
    expect(planWorkingDir(undefined, '/app')).toBe('/app');
    expect(planWorkingDir(undefined, '')).toBe('/');
    expect(planWorkingDir('', undefined)).toBe('/');
  });

  it('refuses a relative directory', () => {
    expect(() => planWorkingDir('work', undefined)).toThrow('working directory "work" is not an absolute path: use -w /work');
  });
});
