import { capabilityMask, DEFAULT_CAPABILITIES, ALL_CAPABILITIES } from '@tsctr/engine/runtime/policy/capabilities';
import { BPF_MAXINSNS } from '@tsctr/engine/runtime/policy/seccomp/bpf';
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_X86_64,
  compileSeccompProfile,
  type SeccompArch,
} from '@tsctr/engine/runtime/policy/seccomp/compile';
import { CLONE_NAMESPACE_FLAGS, DEFAULT_SECCOMP_PROFILE } from '@tsctr/engine/runtime/policy/seccomp/default-profile';
import { parseSeccompProfile, type SeccompProfile } from '@tsctr/engine/runtime/policy/seccomp/profile';
import { AARCH64_SYSCALLS, X86_64_SYSCALLS } from '@tsctr/engine/runtime/policy/seccomp/syscall-tables';
import { runSeccompFilter, verdict } from './bpf-interpreter';

const defaultCaps = capabilityMask(DEFAULT_CAPABILITIES);
const tables = { x86_64: X86_64_SYSCALLS, aarch64: AARCH64_SYSCALLS };
const auditArch = { x86_64: AUDIT_ARCH_X86_64, aarch64: AUDIT_ARCH_AARCH64 };
const CLONE_NEWUSER = 0x10000000n;
const CLONE_NEWNS = 0x00020000n;
const CLONE_THREAD_FLAGS = 0x3d0f00n; // VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
const SIGCHLD = 17n;

function filterFor(profile: SeccompProfile, caps = defaultCaps, arches: SeccompArch[] = ['x86_64', 'aarch64']): Buffer {
  return compileSeccompProfile(profile, { arches, capabilities: caps });
}

function decide(program: Buffer, arch: SeccompArch, name: string, args: bigint[] = []): string {
  const nr = tables[arch][name];
  if (nr === undefined) throw new Error(`no syscall ${name} on ${arch}`);
  return verdict(runSeccompFilter(program, { arch: auditArch[arch], nr, args }));
}

describe.each(['x86_64', 'aarch64'] as const)('default profile on %s', (arch) => {
  const program = filterFor(DEFAULT_SECCOMP_PROFILE);
  const decideHere = (name: string, args: bigint[] = []): string => decide(program, arch, name, args);

  it('fits the kernel limit and is a whole number of sock_filter entries', () => {
    expect(program.length % 8).toBe(0);
    expect(program.length / 8).toBeLessThan(BPF_MAXINSNS);
  });

  it.each(['read', 'write', 'openat', 'close', 'execve', 'mmap', 'futex', 'exit_group', 'wait4', 'getpid', 'rt_sigaction', 'setuid', 'capset', 'prctl', 'seccomp', 'fchownat', 'statx', 'epoll_pwait', 'getrandom', 'rseq', 'bind'])(
    'allows %s',
    (name) => expect(decideHere(name)).toBe('allow'),
  );

  it.each(['unshare', 'keyctl', 'add_key', 'request_key', 'mount', 'umount2', 'pivot_root', 'setns', 'sethostname', 'kexec_load', 'init_module', 'finit_module', 'acct', 'swapon', 'userfaultfd', 'open_by_handle_at', 'bpf', 'perf_event_open', 'clock_settime', 'vhangup', 'fsopen', 'move_mount', 'open_tree'])(
    'refuses %s with EPERM',
    (name) => expect(decideHere(name)).toBe('errno 1'),
  );

  it('allows chroot, which CAP_SYS_CHROOT (a default capability) unlocks', () => {
    expect(decideHere('chroot')).toBe('allow');
  });

  it('lets clone create processes and threads but not namespaces', () => {
    expect(decideHere('clone', [SIGCHLD])).toBe('allow');
    expect(decideHere('clone', [CLONE_THREAD_FLAGS])).toBe('allow');
    expect(decideHere('clone', [CLONE_NEWUSER | SIGCHLD])).toBe('errno 1');
    expect(decideHere('clone', [CLONE_NEWNS])).toBe('errno 1');
    expect(decideHere('clone', [0x40000000n])).toBe('errno 1'); // CLONE_NEWNET
    // the high half of the flags word is not a namespace flag
    expect(decideHere('clone', [(1n << 40n) | SIGCHLD])).toBe('allow');
  });

  it('answers clone3 with ENOSYS so that libc falls back to clone', () => {
    expect(decideHere('clone3')).toBe('errno 38');
  });

  it('allows only harmless personas', () => {
    expect(decideHere('personality', [0n])).toBe('allow');
    expect(decideHere('personality', [0xffffffffn])).toBe('allow');
    expect(decideHere('personality', [0x20008n])).toBe('allow');
    expect(decideHere('personality', [0x0040000n])).toBe('errno 38'); // ADDR_NO_RANDOMIZE
    expect(decideHere('personality', [0x1_0000_0000n])).toBe('errno 38'); // high half counts
  });

  it('refuses netlink audit sockets only', () => {
    expect(decideHere('socket', [2n, 1n, 0n])).toBe('allow'); // AF_INET stream
    expect(decideHere('socket', [16n, 3n, 0n])).toBe('allow'); // netlink route
    expect(decideHere('socket', [16n, 3n, 9n])).toBe('errno 22'); // netlink audit
    expect(decideHere('socket', [2n, 3n, 9n])).toBe('allow');
  });

  it('gives unknown and unlisted syscalls ENOSYS', () => {
    expect(verdict(runSeccompFilter(program, { arch: auditArch[arch], nr: 1000 }))).toBe('errno 38');
    expect(verdict(runSeccompFilter(program, { arch: auditArch[arch], nr: 0x3fffffff }))).toBe('errno 38');
    expect(decideHere('lookup_dcookie')).toBe('errno 1');
  });

  it('kills calls from any other architecture', () => {
    expect(verdict(runSeccompFilter(program, { arch: 0x40000003, nr: 0 }))).toBe('kill_process'); // i386
    expect(verdict(runSeccompFilter(program, { arch: 0x40000028, nr: 0 }))).toBe('kill_process'); // arm
  });

  it('with CAP_SYS_ADMIN allows namespaces, mounts and clone3', () => {
    const admin = filterFor(DEFAULT_SECCOMP_PROFILE, defaultCaps | capabilityMask(['SYS_ADMIN']));
    expect(decide(admin, arch, 'unshare')).toBe('allow');
    expect(decide(admin, arch, 'clone', [CLONE_NEWUSER])).toBe('allow');
    expect(decide(admin, arch, 'clone3')).toBe('allow');
    expect(decide(admin, arch, 'mount')).toBe('allow');
    expect(decide(admin, arch, 'keyctl')).toBe('errno 1');
  });

  it('without CAP_SYS_CHROOT refuses chroot; with CAP_AUDIT_WRITE allows audit sockets', () => {
    const caps = (defaultCaps & ~capabilityMask(['SYS_CHROOT'])) | capabilityMask(['AUDIT_WRITE']);
    const other = filterFor(DEFAULT_SECCOMP_PROFILE, caps);
    expect(decide(other, arch, 'chroot')).toBe('errno 1');
    expect(decide(other, arch, 'socket', [16n, 3n, 9n])).toBe('allow');
  });
});

describe('architecture specifics', () => {
  const program = filterFor(DEFAULT_SECCOMP_PROFILE);

  it('kills x32 calls on x86_64 but treats nr -1 as unknown', () => {
    const x32Read = 0x40000000;
    expect(verdict(runSeccompFilter(program, { arch: AUDIT_ARCH_X86_64, nr: x32Read }))).toBe('kill_process');
    expect(verdict(runSeccompFilter(program, { arch: AUDIT_ARCH_X86_64, nr: -1 }))).toBe('errno 38');
  });

  it('applies arch-only rules to their architecture', () => {
    expect(decide(program, 'x86_64', 'arch_prctl')).toBe('allow');
    const p = parseSeccompProfile(
      '{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}},{"names":["gettid"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["arm64"]}}]}',
      'arches.json',
    );
    const both = filterFor(p, 0n);
    expect([decide(both, 'x86_64', 'getpid'), decide(both, 'x86_64', 'gettid')]).toEqual(['kill_process', 'allow']);
    expect([decide(both, 'aarch64', 'getpid'), decide(both, 'aarch64', 'gettid')]).toEqual(['allow', 'kill_process']);
  });

  it('uses each architecture\'s numbering (openat is 257 on x86_64, 56 on aarch64)', () => {
    const onlyOpenat = filterFor({ defaultAction: 'SCMP_ACT_KILL_PROCESS', architectures: [], syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ALLOW', args: [], includes: {}, excludes: {} }] });
    expect(verdict(runSeccompFilter(onlyOpenat, { arch: AUDIT_ARCH_X86_64, nr: 257 }))).toBe('allow');
    expect(verdict(runSeccompFilter(onlyOpenat, { arch: AUDIT_ARCH_X86_64, nr: 56 }))).toBe('kill_process');
    expect(verdict(runSeccompFilter(onlyOpenat, { arch: AUDIT_ARCH_AARCH64, nr: 56 }))).toBe('allow');
    expect(verdict(runSeccompFilter(onlyOpenat, { arch: AUDIT_ARCH_AARCH64, nr: 257 }))).toBe('kill_process');
  });

  it('compiles a single architecture when asked', () => {
    const x86Only = filterFor(DEFAULT_SECCOMP_PROFILE, defaultCaps, ['x86_64']);
    expect(verdict(runSeccompFilter(x86Only, { arch: AUDIT_ARCH_AARCH64, nr: AARCH64_SYSCALLS.read! }))).toBe('kill_process');
    expect(decide(x86Only, 'x86_64', 'read')).toBe('allow');
  });
});

describe('argument comparisons and actions', () => {
  const profile = (args: string, action = 'SCMP_ACT_ALLOW', extra = ''): SeccompProfile =>
    parseSeccompProfile(`{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":99,"syscalls":[{"names":["write"],"action":"${action}"${extra},"args":[${args}]}]}`, 'test.json');
  const run = (p: SeccompProfile, value: bigint, other = 0n): string => decide(filterFor(p, 0n, ['x86_64']), 'x86_64', 'write', [value, other]);

  it.each([
    ['SCMP_CMP_EQ', 5n, [[5n, 'allow'], [6n, 'errno 99'], [(1n << 32n) | 5n, 'errno 99']]],
    ['SCMP_CMP_NE', 5n, [[5n, 'errno 99'], [6n, 'allow'], [(1n << 32n) | 5n, 'allow']]],
    ['SCMP_CMP_LT', 5n, [[4n, 'allow'], [5n, 'errno 99'], [6n, 'errno 99'], [1n << 33n, 'errno 99']]],
    ['SCMP_CMP_LE', 5n, [[4n, 'allow'], [5n, 'allow'], [6n, 'errno 99']]],
    ['SCMP_CMP_GT', 5n, [[4n, 'errno 99'], [5n, 'errno 99'], [6n, 'allow'], [1n << 32n, 'allow']]],
    ['SCMP_CMP_GE', 5n, [[4n, 'errno 99'], [5n, 'allow'], [6n, 'allow']]],
    ['SCMP_CMP_GT', 0x1_0000_0005n, [[0x1_0000_0004n, 'errno 99'], [0x1_0000_0006n, 'allow'], [0x2_0000_0000n, 'allow'], [0xffff_ffffn, 'errno 99']]],
    ['SCMP_CMP_LT', 0x1_0000_0005n, [[0x1_0000_0004n, 'allow'], [0xffff_ffffn, 'allow'], [0x1_0000_0005n, 'errno 99']]],
  ] as const)('%s %s', (op, value, cases) => {
    const p = profile(`{"index":0,"value":"${value}","op":"${op}"}`);
    for (const [arg, expected] of cases) expect([arg, run(p, arg)]).toEqual([arg, expected]);
  });

  it('SCMP_CMP_MASKED_EQ compares the masked argument with valueTwo on both halves', () => {
    const p = profile('{"index":1,"value":"0xff000000ff","valueTwo":"0x1200000034","op":"SCMP_CMP_MASKED_EQ"}');
    expect(run(p, 0n, 0x12_0000_0034n)).toBe('allow');
    expect(run(p, 0n, 0x12_ffff_ff34n)).toBe('allow');
    expect(run(p, 0n, 0x13_0000_0034n)).toBe('errno 99');
    expect(run(p, 0n, 0x12_0000_0035n)).toBe('errno 99');
  });

  it('ANDs the conditions of one rule', () => {
    const p = profile('{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_EQ"}');
    expect(run(p, 1n, 2n)).toBe('allow');
    expect(run(p, 1n, 3n)).toBe('errno 99');
    expect(run(p, 0n, 2n)).toBe('errno 99');
  });

  it.each([
    ['SCMP_ACT_KILL', '', 'kill_thread'],
    ['SCMP_ACT_KILL_THREAD', '', 'kill_thread'],
    ['SCMP_ACT_KILL_PROCESS', '', 'kill_process'],
    ['SCMP_ACT_TRAP', '', 'trap'],
    ['SCMP_ACT_LOG', '', 'log'],
    ['SCMP_ACT_TRACE', ',"errnoRet":7', 'trace 7'],
    ['SCMP_ACT_ERRNO', ',"errnoRet":13', 'errno 13'],
    ['SCMP_ACT_ERRNO', '', 'errno 1'],
  ])('action %s%s', (action, extra, expected) => {
    expect(run(profile('', action, extra), 0n)).toBe(expected);
  });

  it('honours includes/excludes minKernel against the given kernel release', () => {
    const p = parseSeccompProfile(
      '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.11"}},{"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"5.11"}}]}',
      'k.json',
    );
    const old = compileSeccompProfile(p, { arches: ['x86_64'], capabilities: 0n, kernelRelease: '5.10.0-28-amd64' });
    const recent = compileSeccompProfile(p, { arches: ['x86_64'], capabilities: 0n, kernelRelease: '6.1.0-18-amd64' });
    expect([decide(old, 'x86_64', 'write'), decide(old, 'x86_64', 'read')]).toEqual(['errno 1', 'allow']);
    expect([decide(recent, 'x86_64', 'write'), decide(recent, 'x86_64', 'read')]).toEqual(['allow', 'errno 1']);
  });
});

describe('long programs', () => {
  it('reaches targets more than 255 instructions away through trampolines', () => {
    // 150 conditional rules on one syscall put its fallback ~600 instructions from the jeq chain.
    const rules = Array.from({ length: 150 }, (_, i) => ({ names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: i + 1, args: [{ index: 0, value: 1000 + i, op: 'SCMP_CMP_EQ' }] }));
    const p = parseSeccompProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [...rules, { names: ['write', 'read', 'close', 'openat'], action: 'SCMP_ACT_ALLOW' }] }), 'long.json');
    const program = compileSeccompProfile(p, { arches: ['x86_64', 'aarch64'], capabilities: 0n });
    expect(program.length / 8).toBeGreaterThan(600);
    const jas = Array.from({ length: program.length / 8 }, (_, i) => program.readUInt16LE(i * 8)).filter((code) => code === 0x05).length;
    expect(jas).toBeGreaterThan(0);
    for (const arch of ['x86_64', 'aarch64'] as const) {
      expect(decide(program, arch, 'write', [1000n])).toBe('errno 1');
      expect(decide(program, arch, 'write', [1149n])).toBe('errno 150');
      expect(decide(program, arch, 'write', [5n])).toBe('allow');
      expect(decide(program, arch, 'close')).toBe('allow');
      expect(decide(program, arch, 'getpid')).toBe('kill_process');
    }
  });

  it('refuses a profile that exceeds the kernel limit', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => ({ names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }] }));
    const p = parseSeccompProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: rules }), 'huge.json');
    expect(() => compileSeccompProfile(p, { arches: ['x86_64'], capabilities: 0n })).toThrow(/more than the kernel allows \(4096\)/);
  });

  it('compiles the default profile with every capability', () => {
    const program = filterFor(DEFAULT_SECCOMP_PROFILE, ALL_CAPABILITIES);
    expect(decide(program, 'x86_64', 'clone', [CLONE_NAMESPACE_FLAGS])).toBe('allow');
    expect(decide(program, 'aarch64', 'init_module')).toBe('allow');
  });
});
