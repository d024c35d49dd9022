import { TsctrError } from '@tsctr/engine/errors';
import { DEFAULT_SECCOMP_PROFILE } from '@tsctr/engine/runtime/policy/seccomp/default-profile';
import { parseSeccompProfile } from '@tsctr/engine/runtime/policy/seccomp/profile';

const parse = (value: unknown): ReturnType<typeof parseSeccompProfile> => parseSeccompProfile(JSON.stringify(value), '/x.json');
const rule = (more: object): object => ({ names: ['read'], action: 'SCMP_ACT_ALLOW', ...more });

describe('parseSeccompProfile', () => {
  it('reads a docker-style profile', () => {
    const profile = parse({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [] },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 4294967295, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
        { name: 'clone', action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390x'] } },
        { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, includes: { minKernel: '4.8' }, comment: 'ignored' },
      ],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
    });
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).toBe(38);
    expect(profile.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(profile.syscalls[1]!.args[0]).toEqual({ index: 0, value: 4294967295n, valueTwo: 0n, op: 'SCMP_CMP_EQ' });
    expect(profile.syscalls[2]!.names).toEqual(['clone']);
    expect(profile.syscalls[2]!.excludes).toEqual({ caps: ['CAP_SYS_ADMIN'], arches: ['s390x'] });
    expect(profile.syscalls[3]).toMatchObject({ errnoRet: 1, includes: { minKernel: '4.8' } });
  });

  it('takes 64-bit values written as strings', () => {
    const profile = parse({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ args: [{ index: 5, value: '0xffffffffffffffff', valueTwo: '42', op: 'SCMP_CMP_NE' }] })] });
    expect(profile.syscalls[0]!.args[0]).toEqual({ index: 5, value: 0xffffffffffffffffn, valueTwo: 42n, op: 'SCMP_CMP_NE' });
  });

  it.each([
    ['{', /^seccomp profile \/x\.json: not valid JSON: /],
    ['[]', /^seccomp profile \/x\.json: profile: expected an object, got \[\]$/],
    ['{}', /defaultAction: missing/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSeccompProfile(text, '/x.json')).toThrow(message);
  });

  it.each([
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({}), rule({}), rule({}), rule({ action: 'SCMP_ACT_FOO' })] }, 'seccomp profile /x.json: syscalls[3].action: unknown action "SCMP_ACT_FOO"'],
    [{ defaultAction: 'SCMP_ACT_NOPE' }, 'seccomp profile /x.json: defaultAction: unknown action "SCMP_ACT_NOPE"'],
    [{ defaultAction: 'SCMP_ACT_NOTIFY' }, 'seccomp profile /x.json: defaultAction: SCMP_ACT_NOTIFY needs a seccomp agent'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, 'defaultErrnoRet: expected an errno number between 0 and 4095, got -1'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: {} }, 'syscalls: expected an array, got {}'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ names: [] })] }, 'syscalls[0].names: a rule must name at least one syscall'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ names: ['read', 7] })] }, 'syscalls[0].names[1]: expected a non-empty string, got 7'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] })] }, 'syscalls[0].args[0].index: expected an argument number from 0 to 5, got 6'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ args: [{ index: 0, value: 0, op: 'SCMP_CMP_ABOUT' }] })] }, 'syscalls[0].args[0].op: unknown operator "SCMP_CMP_ABOUT"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ args: [{ index: 0, value: -3, op: 'SCMP_CMP_EQ' }] })] }, 'syscalls[0].args[0].value: expected an unsigned integer, got -3'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ args: [{ index: 0, value: 0, valueTwo: 'many', op: 'SCMP_CMP_EQ' }] })] }, 'syscalls[0].args[0].valueTwo: expected an unsigned 64-bit integer, got "many"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ errnoRet: 'EPERM' })] }, 'syscalls[0].errnoRet: expected an errno number'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ includes: { caps: 'CAP_SYS_ADMIN' } })] }, 'syscalls[0].includes.caps: expected an array, got "CAP_SYS_ADMIN"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule({ excludes: { minKernel: 'recent' } })] }, 'syscalls[0].excludes.minKernel: expected "major.minor"'],
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_Z80'] }, 'architectures: unknown architecture "SCMP_ARCH_Z80"'],
  ])('names the bad field: %j', (profile, message) => {
    let error: unknown;
    try {
      parse(profile);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TsctrError);
    expect((error as TsctrError).message).toContain(message);
    expect((error as TsctrError).exitCode).toBe(125);
  });
});

describe('default profile', () => {
  it('survives a round trip through the JSON format (it is a valid profile)', () => {
    const json = JSON.stringify(DEFAULT_SECCOMP_PROFILE, (_key, value: unknown) => (typeof value === 'bigint' ? `0x${value.toString(16)}` : value));
    const reparsed = parseSeccompProfile(json, 'default');
    expect(reparsed.syscalls.length).toBe(DEFAULT_SECCOMP_PROFILE.syscalls.length);
    expect(reparsed.syscalls).toEqual(DEFAULT_SECCOMP_PROFILE.syscalls);
  });

  it('lists no syscall in two unconditional groups', () => {
    const seen = new Map<string, number>();
    DEFAULT_SECCOMP_PROFILE.syscalls.forEach((r, i) => {
      if (r.args.length > 0 || r.includes.caps || r.excludes.caps || r.includes.arches) return;
      for (const name of r.names) {
        expect([name, seen.get(name)]).toEqual([name, undefined]);
        seen.set(name, i);
      }
    });
    expect(seen.size).toBeGreaterThan(300);
  });
});
