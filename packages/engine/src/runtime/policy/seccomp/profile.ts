/**
 * The OCI / docker seccomp profile format (what `--security-opt seccomp=FILE` reads): types, and
 * a parser that checks every field and names the first bad one.
 */
import { TsctrError } from '../../../errors';

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_LOG',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPERATORS = [
  'SCMP_CMP_EQ',
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_GT',
  'SCMP_CMP_GE',
  'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

/** libseccomp's architecture names, as profiles spell them. */
export const SECCOMP_ARCHITECTURES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
] as const;

/** Largest errno a filter can return (the kernel's MAX_ERRNO). */
export const MAX_ERRNO = 4095;

/** One comparison of a syscall argument; all of a rule's comparisons must hold. */
export interface SeccompArgCondition {
  /** Argument number, 0..5. */
  readonly index: number;
  /** The operand; for SCMP_CMP_MASKED_EQ the mask. */
  readonly value: bigint;
  /** For SCMP_CMP_MASKED_EQ: the value the masked argument must equal; unused otherwise. */
  readonly valueTwo: bigint;
  readonly op: SeccompOperator;
}

/** When a rule applies. `caps` are checked against the container's bounding set. */
export interface SeccompRuleFilter {
  readonly caps?: readonly string[];
  /** Go-style architecture names as docker profiles use them: amd64, arm64, x86, x32, arm, ... */
  readonly arches?: readonly string[];
  /** "major.minor": the kernel must be at least this (includes) / below this (excludes). */
  readonly minKernel?: string;
}

export interface SeccompRule {
  readonly names: readonly string[];
  readonly action: SeccompAction;
  /** Errno for SCMP_ACT_ERRNO (default EPERM), message value for SCMP_ACT_TRACE. */
  readonly errnoRet?: number;
  readonly args: readonly SeccompArgCondition[];
  /** Every listed cap/arch must be present and the kernel recent enough. */
  readonly includes: SeccompRuleFilter;
  /** The rule is skipped if any listed cap/arch is present or the kernel is that recent. */
  readonly excludes: SeccompRuleFilter;
}

export interface SeccompProfile {
  readonly defaultAction: SeccompAction;
  /** Errno for a default SCMP_ACT_ERRNO (default EPERM). */
  readonly defaultErrnoRet?: number;
  /** SCMP_ARCH_* names the profile was written for (documentation: tsctr filters the host's). */
  readonly architectures: readonly string[];
  readonly syscalls: readonly SeccompRule[];
}

type Json = unknown;

class ProfileReader {
  constructor(private readonly source: string) {}

  fail(field: string, problem: string): never {
    throw new TsctrError(`seccomp profile ${this.source}: ${field}: ${problem}`);
  }

  object(value: Json, field: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, `expected an object, got ${describe(value)}`);
    return value as Record<string, Json>;
  }

  array(value: Json, field: string): readonly Json[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(field, `expected an array, got ${describe(value)}`);
    return value;
  }

  strings(value: Json, field: string): string[] {
    return this.array(value, field).map((item, i) => {
      if (typeof item !== 'string' || item === '') this.fail(`${field}[${i}]`, `expected a non-empty string, got ${describe(item)}`);
      return item;
    });
  }

  action(value: Json, field: string): SeccompAction {
    if (value === 'SCMP_ACT_NOTIFY') this.fail(field, 'SCMP_ACT_NOTIFY needs a seccomp agent, which tsctr does not run: use another action');
    if (typeof value !== 'string' || !(SECCOMP_ACTIONS as readonly string[]).includes(value)) {
      this.fail(field, `unknown action ${describe(value)} (expected one of ${SECCOMP_ACTIONS.join(', ')})`);
    }
    return value as SeccompAction;
  }

  errno(value: Json, field: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ERRNO) {
      this.fail(field, `expected an errno number between 0 and ${MAX_ERRNO}, got ${describe(value)}`);
    }
    return value;
  }

  uint64(value: Json, field: string): bigint {
    if (value === undefined || value === null) return 0n;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) {
        this.fail(field, `expected an unsigned integer, got ${describe(value)} (write values above 2^53 as a string, e.g. "0xffffffffffffffff")`);
      }
      return BigInt(value);
    }
    if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) {
      const parsed = BigInt(value.trim());
      if (parsed <= 0xffffffffffffffffn) return parsed;
    }
    return this.fail(field, `expected an unsigned 64-bit integer, got ${describe(value)}`);
  }

  filter(value: Json, field: string): SeccompRuleFilter {
    if (value === undefined || value === null) return {};
    const obj = this.object(value, field);
    const filter: { caps?: string[]; arches?: string[]; minKernel?: string } = {};
    if (obj.caps !== undefined && obj.caps !== null) filter.caps = this.strings(obj.caps, `${field}.caps`);
    if (obj.arches !== undefined && obj.arches !== null) filter.arches = this.strings(obj.arches, `${field}.arches`);
    if (obj.minKernel !== undefined && obj.minKernel !== null && obj.minKernel !== '') {
      if (typeof obj.minKernel !== 'string' || !/^\d+\.\d+$/.test(obj.minKernel)) {
        this.fail(`${field}.minKernel`, `expected "major.minor" such as "4.8", got ${describe(obj.minKernel)}`);
      }
      filter.minKernel = obj.minKernel;
    }
    return filter;
  }

  arg(value: Json, field: string): SeccompArgCondition {
    const obj = this.object(value, field);
    const index = obj.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5) {
      this.fail(`${field}.index`, `expected an argument number from 0 to 5, got ${describe(index)}`);
    }
    const op = obj.op;
    if (typeof op !== 'string' || !(SECCOMP_OPERATORS as readonly string[]).includes(op)) {
      this.fail(`${field}.op`, `unknown operator ${describe(op)} (expected one of ${SECCOMP_OPERATORS.join(', ')})`);
    }
    return { index, value: this.uint64(obj.value, `${field}.value`), valueTwo: this.uint64(obj.valueTwo, `${field}.valueTwo`), op: op as SeccompOperator };
  }

  rule(value: Json, field: string): SeccompRule {
    const obj = this.object(value, field);
    const names = obj.names !== undefined && obj.names !== null ? this.strings(obj.names, `${field}.names`) : [];
    // The old docker format names one syscall per rule.
    if (typeof obj.name === 'string' && obj.name !== '') names.push(obj.name);
    else if (obj.name !== undefined && obj.name !== null && obj.name !== '') this.fail(`${field}.name`, `expected a string, got ${describe(obj.name)}`);
    if (names.length === 0) this.fail(`${field}.names`, 'a rule must name at least one syscall');
    const action = this.action(obj.action, `${field}.action`);
    const errnoRet = this.errno(obj.errnoRet, `${field}.errnoRet`);
    const args = this.array(obj.args, `${field}.args`).map((a, i) => this.arg(a, `${field}.args[${i}]`));
    return {
      names,
      action,
      ...(errnoRet !== undefined ? { errnoRet } : {}),
      args,
      includes: this.filter(obj.includes, `${field}.includes`),
      excludes: this.filter(obj.excludes, `${field}.excludes`),
    };
  }

  architectures(obj: Record<string, Json>): string[] {
    const names = this.strings(obj.architectures, 'architectures');
    this.array(obj.archMap, 'archMap').forEach((entry, i) => {
      const map = this.object(entry, `archMap[${i}]`);
      names.push(...this.strings([map.architecture], `archMap[${i}].architecture`));
      names.push(...this.strings(map.subArchitectures, `archMap[${i}].subArchitectures`));
    });
    names.forEach((name, i) => {
      if (!(SECCOMP_ARCHITECTURES as readonly string[]).includes(name)) this.fail('architectures', `unknown architecture "${name}" (entry ${i})`);
    });
    return [...new Set(names)];
  }

  profile(value: Json): SeccompProfile {
    const obj = this.object(value, 'profile');
    if (obj.defaultAction === undefined) this.fail('defaultAction', 'missing (e.g. "SCMP_ACT_ERRNO")');
    const defaultAction = this.action(obj.defaultAction, 'defaultAction');
    const defaultErrnoRet = this.errno(obj.defaultErrnoRet, 'defaultErrnoRet');
    return {
      defaultAction,
      ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}),
      architectures: this.architectures(obj),
      syscalls: this.array(obj.syscalls, 'syscalls').map((r, i) => this.rule(r, `syscalls[${i}]`)),
    };
  }
}

function describe(value: Json): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Parses and validates a profile in the OCI / docker JSON format. `source` names it in errors
 * (the file path). Unknown top-level keys (comment, flags, listenerPath, ...) are ignored.
 */
export function parseSeccompProfile(text: string, source: string): SeccompProfile {
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TsctrError(`seccomp profile ${source}: not valid JSON: ${(err as Error).message}`);
  }
  return new ProfileReader(source).profile(json);
}
