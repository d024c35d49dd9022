import { planContainerConfig, planLabels, validateCreateRequest, type CreateRequest, type ResolvedImage } from '../../../src/runtime/containers/create-plan';
import { DEFAULT_PATH } from '../../../src/runtime/policy/process';
import { parseSignal } from '../../../src/runtime/containers/signals';

const image: ResolvedImage = {
  id: 'i'.repeat(64),
  name: 'localhost:5000/busybox:latest',
  layers: ['l1'],
  config: { Entrypoint: ['/entry'], Cmd: ['default'], Env: ['PATH=/bin', 'A=image'], WorkingDir: '/work', User: 'nobody', StopSignal: 'SIGQUIT', Labels: { a: '1' } },
};

const request: CreateRequest = {
  command: [], env: [], envFromFiles: [], groupAdd: [], labels: [], init: true, readOnly: false, tty: false, interactive: false,
  autoRemove: false, storageDriver: 'overlay', network: { mode: 'none', options: [] },
  security: { privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' }, noNewPrivileges: false, readOnly: false },
  userns: { mode: 'default', mappings: { uidMap: [{ containerId: 0, hostId: 1000, size: 1 }], gidMap: [{ containerId: 0, hostId: 1000, size: 1 }] } },
};

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
    [{ workdir: 'relative' }, /working directory "relative" is not an absolute path: use -w \/relative/],
    [{ labels: ['=v'] }, /invalid --label/],
    [{ env: ['=x'] }, /--env: "=x" has no variable name/],
    [{ entrypoint: '[1]' }, /--entrypoint \[1\]: a JSON entrypoint must be an array of strings/],
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
  it('runs the image entrypoint with the command given, or the image Cmd', () => {
    expect(planContainerConfig(identity, { ...request, command: ['x', '-y'] }, image, {})).toMatchObject({ entrypoint: ['/entry'], cmd: ['x', '-y'], process: { args: ['/entry', 'x', '-y'] } });
  });
  it('--entrypoint drops the image Cmd; an empty entrypoint or cmd is recorded as null', () => {
    expect(planContainerConfig(identity, { ...request, entrypoint: 'sh' }, image, {})).toMatchObject({ entrypoint: ['sh'], cmd: null, process: { args: ['sh'] } });
    expect(planContainerConfig(identity, { ...request, entrypoint: '', command: ['echo', 'hi'] }, image, {})).toMatchObject({ entrypoint: null, cmd: ['echo', 'hi'], process: { args: ['echo', 'hi'] } });
  });
  it('refuses an image and request with nothing to run', () => {
    expect(() => planContainerConfig(identity, request, { ...image, config: {} }, {})).toThrow(/no command given/);
  });
  it('orders the environment image < env-file < -e, copies bare keys from the host, adds HOSTNAME and TERM', () => {
    const c = planContainerConfig(identity, {
      ...request, tty: true, hostname: 'abc',
      envFromFiles: [{ key: 'B', value: 'file' }, { key: 'C', value: 'file' }, { key: 'FILEVAR' }],
      env: ['C=flag', 'HOSTVAR', 'UNSET'],
    }, { ...image, config: { ...image.config, Env: ['A=image', 'B=image'] } }, { HOSTVAR: 'h', FILEVAR: 'f' });
    expect(c.process.env).toEqual([`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc', 'TERM=xterm', 'A=image', 'B=file', 'C=flag', 'FILEVAR=f', 'HOSTVAR=h']);
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
