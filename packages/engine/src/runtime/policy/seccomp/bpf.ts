/**
 * A tiny classic-BPF assembler for seccomp filters: symbolic labels, forward jumps only, and
 * conditional jumps whose target is more than 255 instructions away rewritten through `ja`
 * trampolines (a conditional jump's offsets are 8 bits; `ja` has 32).
 */
import { TsctrError } from '../../../errors';

/** The kernel's limit on a filter's length (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

export const BPF_LD_W_ABS = 0x20;
export const BPF_ALU_AND_K = 0x54;
export const BPF_JMP_JA = 0x05;
export const BPF_JMP_JEQ_K = 0x15;
export const BPF_JMP_JGT_K = 0x25;
export const BPF_JMP_JGE_K = 0x35;
export const BPF_JMP_JSET_K = 0x45;
export const BPF_RET_K = 0x06;

const JUMP_CODES = { jeq: BPF_JMP_JEQ_K, jgt: BPF_JMP_JGT_K, jge: BPF_JMP_JGE_K, jset: BPF_JMP_JSET_K } as const;
export type JumpCondition = keyof typeof JUMP_CODES;

export type Label = number & { readonly __label: unique symbol };

export type BpfItem =
  | { readonly op: 'label'; readonly label: Label }
  | { readonly op: 'ld'; readonly offset: number }
  | { readonly op: 'and'; readonly k: number }
  | { readonly op: 'jump'; readonly cond: JumpCondition; readonly k: number; readonly ifTrue: Label; readonly ifFalse: Label }
  | { readonly op: 'ja'; readonly target: Label }
  | { readonly op: 'ret'; readonly k: number };

/** Collects instructions; `place(label)` marks where the next instruction is. */
export class BpfBuilder {
  private readonly items: BpfItem[] = [];
  private nextLabel = 0;

  label(): Label {
    return this.nextLabel++ as Label;
  }

  place(label: Label): this {
    this.items.push({ op: 'label', label });
    return this;
  }

  /** A = 32-bit word of seccomp_data at `offset`. */
  load(offset: number): this {
    this.items.push({ op: 'ld', offset });
    return this;
  }

  and(k: number): this {
    this.items.push({ op: 'and', k: k >>> 0 });
    return this;
  }

  jump(cond: JumpCondition, k: number, ifTrue: Label, ifFalse: Label): this {
    this.items.push({ op: 'jump', cond, k: k >>> 0, ifTrue, ifFalse });
    return this;
  }

  /** Conditional jump whose false branch is the next instruction. */
  jumpIf(cond: JumpCondition, k: number, ifTrue: Label): this {
    const next = this.label();
    return this.jump(cond, k, ifTrue, next).place(next);
  }

  goto(target: Label): this {
    this.items.push({ op: 'ja', target });
    return this;
  }

  ret(k: number): this {
    this.items.push({ op: 'ret', k: k >>> 0 });
    return this;
  }

  assemble(): Buffer {
    return assemble(this.items, () => this.label());
  }
}

const MAX_SHORT_JUMP = 255;

function positions(items: readonly BpfItem[]): { labels: Map<Label, number>; count: number } {
  const labels = new Map<Label, number>();
  let count = 0;
  for (const item of items) {
    if (item.op === 'label') labels.set(item.label, count);
    else count++;
  }
  return { labels, count };
}

/** Inserts `ja` trampolines until every conditional jump reaches its targets. */
function withTrampolines(input: readonly BpfItem[], newLabel: () => Label): BpfItem[] {
  let items = [...input];
  for (;;) {
    const { labels } = positions(items);
    const out: BpfItem[] = [];
    let index = 0;
    let changed = false;
    for (const item of items) {
      if (item.op !== 'jump') {
        out.push(item);
        if (item.op !== 'label') index++;
        continue;
      }
      const far = (target: Label): boolean => labels.get(target)! - (index + 1) > MAX_SHORT_JUMP;
      if (!far(item.ifTrue) && !far(item.ifFalse)) {
        out.push(item);
        index++;
        continue;
      }
      changed = true;
      const ifTrue = far(item.ifTrue) ? newLabel() : item.ifTrue;
      const ifFalse = far(item.ifFalse) ? newLabel() : item.ifFalse;
      out.push({ ...item, ifTrue, ifFalse });
      if (ifTrue !== item.ifTrue) out.push({ op: 'label', label: ifTrue }, { op: 'ja', target: item.ifTrue });
      if (ifFalse !== item.ifFalse) out.push({ op: 'label', label: ifFalse }, { op: 'ja', target: item.ifFalse });
      index++;
    }
    items = out;
    if (!changed) return items;
  }
}

function assemble(input: readonly BpfItem[], newLabel: () => Label): Buffer {
  const items = withTrampolines(input, newLabel);
  const { labels, count } = positions(items);
  if (count > BPF_MAXINSNS) {
    throw new TsctrError(`seccomp filter needs ${count} BPF instructions, more than the kernel allows (${BPF_MAXINSNS}): use a shorter profile`);
  }
  const last = [...items].reverse().find((item) => item.op !== 'label');
  if (last?.op !== 'ret') throw new Error('BPF program must end with a return');
  const program = Buffer.alloc(count * 8);
  let index = 0;
  const offsetTo = (target: Label): number => {
    const at = labels.get(target);
    if (at === undefined) throw new Error(`BPF label ${target} never placed`);
    const offset = at - (index + 1);
    if (offset < 0) throw new Error('BPF jumps must go forward');
    return offset;
  };
  const emit = (code: number, jt: number, jf: number, k: number): void => {
    const at = index * 8;
    program.writeUInt16LE(code, at);
    program.writeUInt8(jt, at + 2);
    program.writeUInt8(jf, at + 3);
    program.writeUInt32LE(k >>> 0, at + 4);
    index++;
  };
  for (const item of items) {
    switch (item.op) {
      case 'label':
        break;
      case 'ld':
        emit(BPF_LD_W_ABS, 0, 0, item.offset);
        break;
      case 'and':
        emit(BPF_ALU_AND_K, 0, 0, item.k);
        break;
      case 'jump':
        emit(JUMP_CODES[item.cond], offsetTo(item.ifTrue), offsetTo(item.ifFalse), item.k);
        break;
      case 'ja':
        emit(BPF_JMP_JA, 0, 0, offsetTo(item.target));
        break;
      case 'ret':
        emit(BPF_RET_K, 0, 0, item.k);
        break;
    }
  }
  return program;
}
