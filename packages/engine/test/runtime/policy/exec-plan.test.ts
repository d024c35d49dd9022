import type { ContainerConfig } from '@tsctr/engine/runtime/container-types';
import { execProcessConfig, mergeEnv, planExec } from '@tsctr/engine/runtime/policy/exec-plan';

const files = { passwd: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n', group: 'root:x:0:\napp:x:1000:\n' };
const fds = { errorFd: 3, seccompFd: 4 };

function config(security: Partial<ContainerConfig['security']> = {}): ContainerConfig {
  return {
    id: 'abc', name: 'box', created: '2025-01-01T00:00:00Z',
    image: { id: 'img', name: 'localhost:5000/busybox:latest', layers: [] },
    process: { args: ['sleep', '1000'], env: ['PATH=/usr/bin:/bin', 'HOSTNAME=abc', 'MODE=payload'], cwd: '/srv', user: '', groupAdd: [], terminal: false, stdin: false },
    entrypoint: null, cmd: ['sleep'], labels: {}, hostname: 'abc', stopSignal: 'SIGTERM', stopTimeout: 10, init: true, autoRemove: false,
    security: { privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' }, noNewPrivileges: true, readOnly: false, ...security },
    userns: { mode: 'default', uidMap: [], gidMap: [] }, storageDriver: 'overlay', network: { mode: 'none', options: [] },
  } as ContainerConfig;
}

const flag = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 && i < argv.indexOf('--') ? argv[i + 1] : undefined;
};

describe('planExec', () => {
  it('joins PID 1 with the container\'s policy: seccomp, no_new_privs, capabilities, cwd and env', () => {
    const plan = planExec(config(), { argv: ['ps', '-ef'] }, 4242, files, 'x64', fds);
    expect(plan.argv.slice(0, 5)).toEqual(['exec', '--pid', '4242', '--error-fd', '3']);
    expect(plan.argv.slice(plan.argv.indexOf('--'))).toEqual(['--', 'ps', '-ef']);
    expect(plan.seccomp).not.toBeNull();
    expect(flag(plan.argv, '--seccomp-fd')).toBe('4');
    expect(plan.argv).toContain('--no-new-privs');
    expect(flag(plan.argv, '--cap-effective')).toBe('800405fb');
    expect(flag(plan.argv, '--cwd')).toBe('/srv');
    expect(plan.argv).not.toContain('--tty');
  });

  it('applies -u, -w, -e and -t; --privileged drops the filter and grants every capability', () => {
    const plan = planExec(config(), { argv: ['sh'], user: 'app', workdir: '/tmp', env: ['MODE=exec', 'EXTRA=1'], tty: true, privileged: true }, 7, files, 'x64', fds);
    expect(flag(plan.argv, '--uid')).toBe('1000');
    expect(flag(plan.argv, '--cwd')).toBe('/tmp');
    expect(plan.argv).toContain('--tty');
    expect(plan.seccomp).toBeNull();
    const env = plan.argv.flatMap((a, i) => (a === '--env' ? [plan.argv[i + 1]] : []));
    expect(env).toEqual(expect.arrayContaining(['MODE=exec', 'EXTRA=1', 'TERM=xterm', 'HOME=/home/app']));
    expect(env).not.toContain('MODE=payload');
  });

  it('refuses a relative workdir, an empty command and an unknown user', () => {
    expect(() => planExec(config(), { argv: ['ls'], workdir: 'tmp' }, 7, files, 'x64', fds)).toThrow(/absolute path/);
    expect(() => planExec(config(), { argv: [] }, 7, files, 'x64', fds)).toThrow(/command/);
    expect(() => planExec(config(), { argv: ['ls'], user: 'nobody-here' }, 7, files, 'x64', fds)).toThrow(/nobody-here/);
  });

  it('merges environments by key, later wins, first position kept', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['A=3', 'C=4'])).toEqual(['A=3', 'B=2', 'C=4']);
    expect(() => mergeEnv(['=x'])).toThrow(/KEY/);
    expect(execProcessConfig(config(), { argv: ['x'] }).process.terminal).toBe(false);
  });
});
