import { DEFAULT_PATH, parseEntrypointFlag, planCommand, planContainerConfig, planEnv, planLabels, validateCreateRequest, type CreateRequest, type ResolvedImage } from '../../../src/runtime/containers/create-plan';
import { parseSignal } from '../../../src/runtime/containers/signals';

const image: ResolvedImage = {
  id: 'i'.repeat(64),
  name: 'localhost:5000/busybox:latest',
  layers: ['l1'],
  config: { Entrypoint: ['/entry'], Cmd: ['default'], Env: ['PATH=/bin', 'A=image'], WorkingDir: '/work', User: 'nobody', StopSignal: 'SIGQUIT', Labels: { a: '1' } },
};

const request: CreateRequest = {
  command: [], env: [], envFromFiles: [], groupAdd: [], labels: [], init: true, readOnly: false, tty: false, interactive: false,
  autoRemove: false, storageDriver: 'overlay', network: 'none',
  security: { privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' }, noNewPrivileges: false, readOnly: false },
  userns: { mode: 'default', mappings: { uidMap: [{ containerId: 0, hostId: 1000, size: 1 }], gidMap: [{ containerId: 0, hostId: 1000, size: 1 }] } },
};

describe('planCommand (docker Entrypoint/Cmd rules)', () => {
  it('uses the image entrypoint and cmd by default', () => {
    expect(planCommand({ command: [] }, image.config).args).toEqual(['/entry', 'default']);
  });
  it('a command replaces Cmd only', () => {
    expect(planCommand({ command: ['x', '-y'] }, image.config).args).toEqual(['/entry', 'x', '-y']);
  });
  it('--entrypoint replaces the entrypoint and drops the image Cmd', () => {
    expect(planCommand({ command: [], entrypoint: 'sh' }, image.config)).toEqual({ entrypoint: ['sh'], cmd: [], args: ['sh'] });
  });
  it('--entrypoint "" clears it so the command runs alone', () => {
    expect(planCommand({ command: ['echo', 'hi'], entrypoint: '' }, image.config).args).toEqual(['echo', 'hi']);
  });
  it('--entrypoint as a JSON array is argv', () => {
    expect(parseEntrypointFlag('["sh","-c"]')).toEqual(['sh', '-c']);
    expect(() => parseEntrypointFlag('[sh')).toThrow(/not a JSON array/);
  });
  it('nothing to run is an error', () => {
    expect(() => planCommand({ command: [] }, {})).toThrow(/no command or entrypoint provided/);
  });
});

describe('planEnv', () => {
  it('orders image < env-file < -e, copies bare keys from the host, adds HOSTNAME and TERM', () => {
    const env = planEnv(['A=image', 'B=image'], ['B=file', 'C=file'], ['C=flag', 'HOSTVAR', 'UNSET'], { HOSTVAR: 'h' }, { tty: true, hostname: 'abc' });
    expect(env).toEqual(['A=image', 'B=file', 'HOSTNAME=abc', 'C=flag', 'HOSTVAR=h', `PATH=${DEFAULT_PATH}`, 'TERM=xterm']);
  });
  it('refuses an entry without a key', () => {
    expect(() => planEnv([], [], ['=x'], {}, { tty: false, hostname: 'h' })).toThrow(/invalid environment variable "=x"/);
  });
});

describe('planLabels', () => {
  it('--label wins over image labels; KEY alone is an empty value', () => {
    expect(planLabels({ a: '1', b: '2' }, ['b=3', 'c'])).toEqual({ a: '1', b: '3', c: '' });
  });
});

describe('validateCreateRequest', () => {
  it.each([
    [{ hostname: 'bad host' }, /invalid --hostname/],
    [{ stopTimeout: -1 }, /invalid --stop-timeout/],
    [{ stopSignal: 'SIGNOPE' }, /invalid --stop-signal/],
    [{ workdir: 'relative' }, /must be an absolute path/],
    [{ labels: ['=v'] }, /invalid --label/],
  ])('refuses %p', (change, message) => {
    expect(() => validateCreateRequest({ ...request, ...change })).toThrow(message);
  });
});

describe('planContainerConfig', () => {
  const identity = { id: 'abcdef012345'.padEnd(64, '0'), name: 'web', created: '2024-05-01T10:00:00.000Z' };
  it('honours the image config and fills defaults', () => {
    const c = planContainerConfig(identity, request, image, {});
    expect(c).toMatchObject({
      hostname: 'abcdef012345', stopSignal: 'SIGQUIT', stopTimeout: 10, entrypoint: ['/entry'], cmd: ['default'], labels: { a: '1' },
      process: { args: ['/entry', 'default'], cwd: '/work', user: 'nobody' },
      userns: { mode: 'default', uidMap: [{ containerId: 0, hostId: 1000, size: 1 }] },
    });
    expect(c.process.env).toContain('HOSTNAME=abcdef012345');
  });
  it('flags win over the image', () => {
    const c = planContainerConfig(identity, { ...request, hostname: 'h', user: '0:0', workdir: '/', stopSignal: 'kill', stopTimeout: 0 }, image, {});
    expect(c).toMatchObject({ hostname: 'h', stopSignal: 'SIGKILL', stopTimeout: 0, process: { user: '0:0', cwd: '/' } });
  });
});

describe('parseSignal', () => {
  it.each([['TERM', 'SIGTERM', 15], ['sigkill', 'SIGKILL', 9], ['2', 'SIGINT', 2]])('%s -> %s', (spec, name, number) => {
    expect(parseSignal(spec)).toEqual({ name, number });
  });
  it('refuses unknown signals and 0', () => {
    expect(() => parseSignal('FOO', '--signal')).toThrow(/invalid --signal "FOO"/);
    expect(() => parseSignal('0')).toThrow(/invalid signal/);
  });
});
