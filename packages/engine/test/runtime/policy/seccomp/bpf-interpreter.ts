/**
 * Test-only: a classic BPF interpreter restricted to what seccomp accepts, to run compiled
 * filters against (arch, nr, args) tuples.
 */
export interface SeccompCall {
  readonly arch: number;
  readonly nr: number;
  readonly args?: readonly bigint[];
}

export function seccompData(call: SeccompCall): Buffer {
  const data = Buffer.alloc(64);
  data.writeInt32LE(call.nr, 0);
  data.writeUInt32LE(call.arch >>> 0, 4);
  (call.args ?? []).forEach((value, i) => data.writeBigUInt64LE(BigInt.asUintN(64, value), 16 + 8 * i));
  return data;
}

/** Runs `program` (8-byte sock_filter entries) on the call; returns the filter's u32 verdict. */
export function runSeccompFilter(program: Buffer, call: SeccompCall): number {
  if (program.length % 8 !== 0 || program.length === 0) throw new Error('bad program length');
  const count = program.length / 8;
  const data = seccompData(call);
  let a = 0;
  let pc = 0;
  for (let steps = 0; steps <= count; steps++) {
    if (pc >= count) throw new Error(`pc ${pc} ran off the end`);
    const at = pc * 8;
    const code = program.readUInt16LE(at);
    const jt = program.readUInt8(at + 2);
    const jf = program.readUInt8(at + 3);
    const k = program.readUInt32LE(at + 4);
    pc++;
    switch (code) {
      case 0x20: // ld [k]
        if (k % 4 !== 0 || k + 4 > 64) throw new Error(`bad load offset ${k}`);
        a = data.readUInt32LE(k);
        break;
      case 0x54: // and #k
        a = (a & k) >>> 0;
        break;
      case 0x05: // ja
        pc += k;
        break;
      case 0x15:
        pc += a === k ? jt : jf;
        break;
      case 0x25:
        pc += a > k ? jt : jf;
        break;
      case 0x35:
        pc += a >= k ? jt : jf;
        break;
      case 0x45:
        pc += (a & k) !== 0 ? jt : jf;
        break;
      case 0x06:
        return k;
      default:
        throw new Error(`unsupported BPF opcode 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
  throw new Error('program did not terminate');
}

export type Verdict = 'allow' | 'kill_process' | 'kill_thread' | 'trap' | 'log' | `errno ${number}` | `trace ${number}`;

export function verdict(value: number): Verdict {
  const action = (value & 0xffff0000) >>> 0;
  const data = value & 0xffff;
  switch (action) {
    case 0x7fff0000:
      return 'allow';
    case 0x80000000:
      return 'kill_process';
    case 0x00000000:
      return 'kill_thread';
    case 0x00030000:
      return 'trap';
    case 0x7ffc0000:
      return 'log';
    case 0x00050000:
      return `errno ${data}`;
    case 0x7ff00000:
      return `trace ${data}`;
    default:
      throw new Error(`unknown verdict 0x${value.toString(16)}`);
  }
}
