/**
 * Compiles a seccomp profile, for the container's capabilities and the host's architecture(s),
 * into a classic BPF program (`struct sock_filter[]`, 8 bytes each, little endian) that the shim
 * loads with SECCOMP_SET_MODE_FILTER.
 *
 * Program shape: check seccomp_data.arch (anything else: kill the process); on x86_64 kill x32
 * calls; a binary search on the syscall number down to short `jeq` chains; per syscall, its
 * argument-conditioned rules in profile order, then its first unconditional rule, then the
 * profile's default action.
 */
import { capabilityNumber } from '../capabilities';
import { BpfBuilder, type Label } from './bpf';
import type { SeccompAction, SeccompArgCondition, SeccompProfile, SeccompRule, SeccompRuleFilter } from './profile';
import { AARCH64_SYSCALLS, X86_64_SYSCALLS } from './syscall-tables';

export type SeccompArch = 'x86_64' | 'aarch64';

interface ArchInfo {
  readonly auditArch: number;
  readonly syscalls: Readonly<Record<string, number>>;
  /** Names profiles use for this architecture in includes/excludes.arches. */
  readonly aliases: readonly string[];
}

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** Syscall numbers of the x32 ABI carry this bit (on x86_64 kernels). */
export const X32_SYSCALL_BIT = 0x40000000;

const ARCHES: Record<SeccompArch, ArchInfo> = {
  x86_64: { auditArch: AUDIT_ARCH_X86_64, syscalls: X86_64_SYSCALLS, aliases: ['amd64', 'x86_64'] },
  aarch64: { auditArch: AUDIT_ARCH_AARCH64, syscalls: AARCH64_SYSCALLS, aliases: ['arm64', 'aarch64'] },
};

/** seccomp filter return values (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

const EPERM = 1;

/** seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little endian here). */
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const argLow = (index: number): number => 16 + 8 * index;
const argHigh = (index: number): number => 16 + 8 * index + 4;

/** Syscalls per leaf of the number search tree (each a `jeq` chain). */
const LEAF_SIZE = 8;

export interface SeccompCompileOptions {
  /** Architectures the filter accepts; calls from any other ABI kill the process. */
  readonly arches: readonly SeccompArch[];
  /** The container's bounding set: decides rules with includes/excludes.caps. */
  readonly capabilities: bigint;
  /** `uname -r` for includes/excludes.minKernel; unknown means "recent enough". */
  readonly kernelRelease?: string;
}

export function actionValue(action: SeccompAction, errnoRet: number | undefined): number {
  switch (action) {
    case 'SCMP_ACT_ALLOW':
      return SECCOMP_RET.ALLOW;
    case 'SCMP_ACT_ERRNO':
      return (SECCOMP_RET.ERRNO | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return SECCOMP_RET.KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS':
      return SECCOMP_RET.KILL_PROCESS;
    case 'SCMP_ACT_TRAP':
      return SECCOMP_RET.TRAP;
    case 'SCMP_ACT_TRACE':
      return (SECCOMP_RET.TRACE | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_LOG':
      return SECCOMP_RET.LOG;
  }
}

function kernelAtLeast(release: string | undefined, wanted: string): boolean {
  if (release === undefined) return true;
  const [major = 0, minor = 0] = release.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [wantMajor = 0, wantMinor = 0] = wanted.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

function hasCapability(capabilities: bigint, name: string): boolean {
  const nr = capabilityNumber(name);
  return nr !== undefined && (capabilities & (1n << BigInt(nr))) !== 0n;
}

function ruleApplies(rule: SeccompRule, arch: ArchInfo, options: SeccompCompileOptions): boolean {
  const inc: SeccompRuleFilter = rule.includes;
  const exc: SeccompRuleFilter = rule.excludes;
  if (inc.caps && !inc.caps.every((cap) => hasCapability(options.capabilities, cap))) return false;
  if (inc.arches && !inc.arches.some((a) => arch.aliases.includes(a))) return false;
  if (inc.minKernel && !kernelAtLeast(options.kernelRelease, inc.minKernel)) return false;
  if (exc.caps && exc.caps.some((cap) => hasCapability(options.capabilities, cap))) return false;
  if (exc.arches && exc.arches.some((a) => arch.aliases.includes(a))) return false;
  if (exc.minKernel && kernelAtLeast(options.kernelRelease, exc.minKernel)) return false;
  return true;
}

interface SyscallPlan {
  /** Rules with argument conditions, in profile order. */
  readonly conditional: SeccompRule[];
  /** What happens when none of them matches. */
  fallback: number | undefined;
}

/** Per syscall number: the rules that decide it on this architecture. */
function planArch(profile: SeccompProfile, arch: ArchInfo, options: SeccompCompileOptions): Map<number, SyscallPlan> {
  const plans = new Map<number, SyscallPlan>();
  for (const rule of profile.syscalls) {
    if (!ruleApplies(rule, arch, options)) continue;
    for (const name of rule.names) {
      // Names this architecture does not have (or our headers do not know yet) are skipped,
      // like docker does: such calls get the default action.
      const nr = arch.syscalls[name];
      if (nr === undefined) continue;
      let plan = plans.get(nr);
      if (!plan) plans.set(nr, (plan = { conditional: [], fallback: undefined }));
      if (rule.args.length > 0) plan.conditional.push(rule);
      else plan.fallback ??= actionValue(rule.action, rule.errnoRet);
    }
  }
  return plans;
}

class FilterCompiler {
  readonly b = new BpfBuilder();

  constructor(
    private readonly profile: SeccompProfile,
    private readonly options: SeccompCompileOptions,
  ) {}

  compile(): Buffer {
    const { b } = this;
    const archLabels = this.options.arches.map(() => b.label());
    b.load(OFFSET_ARCH);
    this.options.arches.forEach((name, i) => b.jumpIf('jeq', ARCHES[name].auditArch, archLabels[i]!));
    b.ret(SECCOMP_RET.KILL_PROCESS);
    this.options.arches.forEach((name, i) => {
      b.place(archLabels[i]!);
      this.compileArch(name);
    });
    return b.assemble();
  }

  private get defaultValue(): number {
    return actionValue(this.profile.defaultAction, this.profile.defaultErrnoRet);
  }

  private compileArch(name: SeccompArch): void {
    const { b } = this;
    const plans = planArch(this.profile, ARCHES[name], this.options);
    b.load(OFFSET_NR);
    if (name === 'x86_64') {
      // nr -1 (a tracer skipping the call) is not x32; everything else with the bit set is.
      const notX32 = b.label();
      const defaultAction = b.label();
      b.jump('jeq', 0xffffffff, defaultAction, notX32);
      b.place(defaultAction).ret(this.defaultValue);
      const x32 = b.label();
      const native = b.label();
      b.place(notX32).jump('jge', X32_SYSCALL_BIT, x32, native);
      b.place(x32).ret(SECCOMP_RET.KILL_PROCESS);
      b.place(native);
    }
    const numbers = [...plans.keys()].sort((x, y) => x - y);
    this.searchTree(numbers, plans);
  }

  /** Binary search on the syscall number (held in A) down to `jeq` chains. */
  private searchTree(numbers: readonly number[], plans: Map<number, SyscallPlan>): void {
    const { b } = this;
    if (numbers.length <= LEAF_SIZE) {
      this.leaf(numbers, plans);
      return;
    }
    const middle = Math.floor(numbers.length / 2);
    const lower = b.label();
    const upper = b.label();
    b.jump('jge', numbers[middle]!, upper, lower);
    b.place(lower);
    this.searchTree(numbers.slice(0, middle), plans);
    b.place(upper);
    this.searchTree(numbers.slice(middle), plans);
  }

  private leaf(numbers: readonly number[], plans: Map<number, SyscallPlan>): void {
    const { b } = this;
    const returns = new Map<number, Label>();
    const returnLabel = (value: number): Label => {
      let label = returns.get(value);
      if (label === undefined) returns.set(value, (label = b.label()));
      return label;
    };
    const conditional: Array<[Label, SyscallPlan]> = [];
    for (const nr of numbers) {
      const plan = plans.get(nr)!;
      const fallback = plan.fallback ?? this.defaultValue;
      let target: Label;
      if (plan.conditional.length === 0) target = returnLabel(fallback);
      else conditional.push([(target = b.label()), plan]);
      b.jumpIf('jeq', nr, target);
    }
    b.ret(this.defaultValue);
    for (const [value, label] of returns) b.place(label).ret(value);
    for (const [label, plan] of conditional) {
      b.place(label);
      this.syscallRules(plan);
    }
  }

  private syscallRules(plan: SyscallPlan): void {
    const { b } = this;
    for (const rule of plan.conditional) {
      const nextRule = b.label();
      for (const condition of rule.args) {
        const holds = b.label();
        this.condition(condition, holds, nextRule);
        b.place(holds);
      }
      b.ret(actionValue(rule.action, rule.errnoRet));
      b.place(nextRule);
    }
    b.ret(plan.fallback ?? this.defaultValue);
  }

  /** Jumps to `holds` or `fails` after comparing a 64-bit argument, 32 bits at a time. */
  private condition(c: SeccompArgCondition, holds: Label, fails: Label): void {
    const { b } = this;
    const high = Number(c.value >> 32n) >>> 0;
    const low = Number(c.value & 0xffffffffn) >>> 0;
    const lowHalf = b.label();
    switch (c.op) {
      case 'SCMP_CMP_EQ':
      case 'SCMP_CMP_NE': {
        const [equal, different] = c.op === 'SCMP_CMP_EQ' ? [holds, fails] : [fails, holds];
        b.load(argHigh(c.index)).jump('jeq', high, lowHalf, different);
        b.place(lowHalf).load(argLow(c.index)).jump('jeq', low, equal, different);
        return;
      }
      case 'SCMP_CMP_GT':
      case 'SCMP_CMP_GE':
      case 'SCMP_CMP_LT':
      case 'SCMP_CMP_LE': {
        // GT/GE decide "above"; LT/LE are their negations (LT = not GE, LE = not GT).
        const strict = c.op === 'SCMP_CMP_GT' || c.op === 'SCMP_CMP_LE';
        const [above, notAbove] = c.op === 'SCMP_CMP_GT' || c.op === 'SCMP_CMP_GE' ? [holds, fails] : [fails, holds];
        const highEqual = b.label();
        b.load(argHigh(c.index)).jump('jgt', high, above, highEqual);
        b.place(highEqual).jump('jeq', high, lowHalf, notAbove);
        b.place(lowHalf).load(argLow(c.index)).jump(strict ? 'jgt' : 'jge', low, above, notAbove);
        return;
      }
      case 'SCMP_CMP_MASKED_EQ': {
        const wantHigh = Number(c.valueTwo >> 32n) >>> 0;
        const wantLow = Number(c.valueTwo & 0xffffffffn) >>> 0;
        b.load(argHigh(c.index)).and(high).jump('jeq', wantHigh, lowHalf, fails);
        b.place(lowHalf).load(argLow(c.index)).and(low).jump('jeq', wantLow, holds, fails);
        return;
      }
    }
  }
}

/** The file this compiler's code is in (its bundle, when bundled): a cache of its output is valid for this file only. */
export const SECCOMP_COMPILER_FILE = __filename;

/** The BPF program for `profile`; a Buffer of `struct sock_filter` entries. */
export function compileSeccompProfile(profile: SeccompProfile, options: SeccompCompileOptions): Buffer {
  if (options.arches.length === 0) throw new Error('compileSeccompProfile: no architecture given');
  return new FilterCompiler(profile, options).compile();
}

/** The seccomp architecture of a Node `process.arch`, or undefined when tsctr has no table for it. */
export function seccompArchOf(nodeArch: string): SeccompArch | undefined {
  if (nodeArch === 'x64' || nodeArch === 'x86_64') return 'x86_64';
  if (nodeArch === 'arm64' || nodeArch === 'aarch64') return 'aarch64';
  return undefined;
}
