/** Pure: signal names as users write them (TERM, SIGTERM, sigterm, 15) -> numbers. */
import { constants } from 'node:os';
import { TsctrError } from '../../errors';

const MAX_SIGNAL = 64;

export function signalNumber(spec: string | number): number {
  if (typeof spec === 'number' || /^\d+$/.test(spec)) {
    const n = Number(spec);
    if (Number.isInteger(n) && n > 0 && n <= MAX_SIGNAL) return n;
    throw new TsctrError(`invalid signal number ${spec}: use 1-${MAX_SIGNAL} or a name such as SIGTERM`);
  }
  const upper = spec.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) {
    const offset = Number(rt[1] ?? 0);
    const n = name.startsWith('SIGRTMIN') ? 34 + offset : MAX_SIGNAL - offset;
    if (n >= 34 && n <= MAX_SIGNAL) return n;
  }
  const n = (constants.signals as Record<string, number | undefined>)[name];
  if (n === undefined) throw new TsctrError(`unknown signal "${spec}": use a name such as SIGTERM, KILL or HUP, or a number`);
  return n;
}
