import type { ContainerConfig } from '@tsctr/engine/runtime/container-types';
import { ALL_CAPABILITIES } from '@tsctr/engine/runtime/policy/capabilities';
import { planInit, planProcessPolicy } from '@tsctr/engine/runtime/policy/init-plan';
import { AUDIT_ARCH_X86_64, AUDIT_ARCH_AARCH64 } from '@tsctr/engine/runtime/policy/seccomp/compile';
import { X86_64_SYSCALLS, AARCH64_SYSCALLS } from '@tsctr/engine/runtime/policy/seccomp/syscall-tables';
import { runSeccompFilter, verdict } from './seccomp/bpf-interpreter';

const files = {
  passwd: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
  group: 'root:x:0:\nwheel:x:10:root,app\napp:x:1000:\n',
};
const fds = { rootfs: '/run/ctr/rootfs', statusFd: 3, errorFd: 4, seccompFd: 5 };

function config(overrides: { process?: Partial<ContainerConfig['process']>; security?: Partial<ContainerConfig['security']>; init?: boolean } = {}): ContainerConfig {
  return {
    id: 'abc',
    name: 'test',
    created: '2025-01-01T00:00:00Z',
    image: { id: 'img', name: 'localhost:5000/busybox:latest', layers: [] },
    process: { args: ['sh', '-c', 'echo hi'], env: ['PATH=/usr/bin:/bin', 'HOSTNAME=abc'], cwd: '/', user: '', groupAdd: [], terminal: false, stdin: false, ...overrides.process },
    entrypoint: null,
    cmd: ['sh'],
    labels: {},
    hostname: 'abc',
    stopSignal: 'SIGTERM',
    stopTimeout: 10,
    init: overrides.init ?? true,
    autoRemove: false,
    security: { privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' }, noNewPrivileges: false, readOnly: false, ...overrides.security },
    userns: { mode: 'default', uidMap: [], gidMap: [] },
    storageDriver: 'overlay',
    network: { mode: 'none', options: [] },
  };
}

/** Values of every occurrence of `flag` in argv. */
function values(argv: readonly string[], flag: string): string[] {
  const end = argv.indexOf('--');
  return argv.slice(0, end).flatMap((arg, i) => (arg === flag ? [argv[i + 1]!] : []));
}

describe('planInit', () => {
  it('builds the init argv of docs/shim-protocol.md for a default container', () => {
    const plan = planInit(config(), files, 'x64', fds);
    const argv = plan.argv;
    expect(argv.slice(0, 7)).toEqual(['init', '--rootfs', '/run/ctr/rootfs', '--status-fd', '3', '--error-fd', '4']);
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', 'sh', '-c', 'echo hi']);
    expect(argv).not.toContain('--no-init');
    expect(argv).not.toContain('--tty');
    expect(values(argv, '--mask')).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/sys/firmware']));
    expect(values(argv, '--readonly')).toEqual(expect.arrayContaining(['/proc/sys', '/proc/sysrq-trigger']));
    expect(values(argv, '--uid')).toEqual(['0']);
    expect(values(argv, '--gid')).toEqual(['0']);
    expect(values(argv, '--groups')).toEqual(['10']);
    expect(values(argv, '--cap-bounding')).toEqual(['800405fb']);
    expect(values(argv, '--cap-effective')).toEqual(['800405fb']);
    expect(values(argv, '--cap-permitted')).toEqual(['800405fb']);
    expect(values(argv, '--cap-inheritable')).toEqual(['0']);
    expect(values(argv, '--cap-ambient')).toEqual(['0']);
    expect(argv).not.toContain('--no-new-privs');
    expect(values(argv, '--seccomp-fd')).toEqual(['5']);
    expect(values(argv, '--cwd')).toEqual(['/']);
    expect(values(argv, '--env')).toEqual(['PATH=/usr/bin:/bin', 'HOSTNAME=abc', 'HOME=/root']);
    expect(plan.seccompProgram).not.toBeNull();
  });

  it('orders flags as the protocol lists them (every flag before --, each with its value)', () => {
    const argv = planInit(config({ init: false, process: { terminal: true } }), files, 'x64', { ...fds, cgroupFd: 6, keepFds: 2, rlimits: ['nofile=1024:2048'] }).argv;
    const flags = argv.slice(0, argv.indexOf('--')).filter((a) => a.startsWith('--'));
    const order = ['--rootfs', '--status-fd', '--error-fd', '--no-init', '--tty', '--mount-cgroup', '--mask', '--readonly', '--cgroup-fd', '--rlimit', '--uid', '--gid', '--groups', '--cap-bounding', '--cap-effective', '--cap-permitted', '--cap-inheritable', '--cap-ambient', '--seccomp-fd', '--cwd', '--env', '--keep-fds'];
    const positions = [...new Set(flags)].map((f) => order.indexOf(f));
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(values(argv, '--cgroup-fd')).toEqual(['6']);
    expect(values(argv, '--rlimit')).toEqual(['nofile=1024:2048']);
    expect(values(argv, '--keep-fds')).toEqual(['2']);
  });

  it('mounts cgroup2 only for a container with a cgroup of its own: read-only, read-write with --privileged', () => {
    expect(planInit(config(), files, 'x64', fds).argv).not.toContain('--mount-cgroup');
    expect(values(planInit(config(), files, 'x64', { ...fds, cgroupFd: 6 }).argv, '--mount-cgroup')).toEqual(['ro']);
    expect(values(planInit(config({ security: { privileged: true } }), files, 'x64', { ...fds, cgroupFd: 6 }).argv, '--mount-cgroup')).toEqual(['rw']);
  });

  it('runs a named user with its groups, home and no capabilities', () => {
    const plan = planInit(config({ process: { user: 'app', groupAdd: ['5'], cwd: '/work' } }), files, 'x64', fds);
    expect(values(plan.argv, '--uid')).toEqual(['1000']);
    expect(values(plan.argv, '--gid')).toEqual(['1000']);
    expect(values(plan.argv, '--groups')).toEqual(['10,5']);
    expect(values(plan.argv, '--cap-effective')).toEqual(['0']);
    expect(values(plan.argv, '--cap-bounding')).toEqual(['800405fb']);
    expect(values(plan.argv, '--cwd')).toEqual(['/work']);
    expect(plan.env).toContain('HOME=/home/app');
  });

  it('passes an empty --groups to clear inherited groups', () => {
    const plan = planInit(config({ process: { user: '4242' } }), files, 'x64', fds);
    expect(values(plan.argv, '--groups')).toEqual(['']);
    expect(plan.env).toContain('HOME=/');
  });

  it('keeps a HOME the container already has and adds PATH when missing', () => {
    const plan = planInit(config({ process: { env: ['HOME=/data'] } }), files, 'x64', fds);
    expect(plan.env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/data']);
  });

  it('--privileged: every available capability, nothing masked, no default seccomp filter', () => {
    const available = ALL_CAPABILITIES & ~(1n << 24n);
    const plan = planInit(config({ security: { privileged: true } }), files, 'x64', fds, { availableCapabilities: available });
    expect(values(plan.argv, '--cap-bounding')).toEqual([available.toString(16)]);
    expect(values(plan.argv, '--mask')).toEqual([]);
    expect(values(plan.argv, '--readonly')).toEqual([]);
    expect(plan.argv).not.toContain('--seccomp-fd');
    expect(plan.seccompProgram).toBeNull();
  });

  it('--cap-drop all, no-new-privileges and seccomp=unconfined', () => {
    const plan = planInit(config({ security: { capDrop: ['ALL'], noNewPrivileges: true, seccomp: { kind: 'unconfined' } } }), files, 'x64', fds);
    expect(values(plan.argv, '--cap-bounding')).toEqual(['0']);
    expect(values(plan.argv, '--cap-effective')).toEqual(['0']);
    expect(plan.argv).toContain('--no-new-privs');
    expect(plan.argv).not.toContain('--seccomp-fd');
    expect(plan.seccompProgram).toBeNull();
  });

  it('compiles the default filter for the host architecture, gated by the container\'s capabilities', () => {
    const x86 = planInit(config(), files, 'x64', fds).seccompProgram!;
    expect(verdict(runSeccompFilter(x86, { arch: AUDIT_ARCH_X86_64, nr: X86_64_SYSCALLS.unshare! }))).toBe('errno 1');
    expect(verdict(runSeccompFilter(x86, { arch: AUDIT_ARCH_AARCH64, nr: AARCH64_SYSCALLS.read! }))).toBe('kill_process');
    const arm = planInit(config(), files, 'arm64', fds).seccompProgram!;
    expect(verdict(runSeccompFilter(arm, { arch: AUDIT_ARCH_AARCH64, nr: AARCH64_SYSCALLS.read! }))).toBe('allow');
    const admin = planInit(config({ security: { capAdd: ['SYS_ADMIN'] } }), files, 'x64', fds).seccompProgram!;
    expect(verdict(runSeccompFilter(admin, { arch: AUDIT_ARCH_X86_64, nr: X86_64_SYSCALLS.unshare! }))).toBe('allow');
  });

  it('uses a profile file, also with --privileged', () => {
    const profile = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}';
    const plan = planInit(config({ security: { privileged: true, seccomp: { kind: 'file', path: '/p.json', profile } } }), files, 'x64', fds);
    expect(verdict(runSeccompFilter(plan.seccompProgram!, { arch: AUDIT_ARCH_X86_64, nr: X86_64_SYSCALLS.mkdir! }))).toBe('errno 13');
    expect(verdict(runSeccompFilter(plan.seccompProgram!, { arch: AUDIT_ARCH_X86_64, nr: X86_64_SYSCALLS.unshare! }))).toBe('allow');
  });

  it('reports bad input as TsctrError naming it', () => {
    expect(() => planInit(config({ process: { user: 'ghost' } }), files, 'x64', fds)).toThrow('unable to find user ghost');
    expect(() => planInit(config({ security: { capAdd: ['FLY'] } }), files, 'x64', fds)).toThrow('unknown capability "FLY" in --cap-add');
    expect(() => planInit(config({ security: { seccomp: { kind: 'file', path: '/bad.json', profile: '{"defaultAction":"SCMP_ACT_FOO"}' } } }), files, 'x64', fds)).toThrow(
      'seccomp profile /bad.json: defaultAction: unknown action "SCMP_ACT_FOO"',
    );
    expect(() => planInit(config(), files, 'riscv64', fds)).toThrow(/no syscall table for the riscv64 architecture/);
    expect(() => planInit(config({ security: { seccomp: { kind: 'unconfined' } } }), files, 'riscv64', fds)).not.toThrow();
  });

  it('shares its policy with exec', () => {
    const policy = planProcessPolicy(config({ process: { user: 'app' } }), files, 'x64');
    expect(policy).toMatchObject({ uid: 1000, gid: 1000, additionalGids: [10], home: '/home/app' });
  });
});
