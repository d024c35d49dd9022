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

/**
 * docker's stop: the stop signal, then SIGKILL once `timeoutSeconds` have passed, settled by the
 * payload's exit. Shared by the engine and the lean monitor, which differ only in how they signal.
 */
export async function stopSequence(signal: (sig: number) => void, stopSignal: string, timeoutSeconds: number, exited: Promise<{ exitCode: number }>): Promise<{ ok: true; exitCode: number }> {
  signal(signalNumber(stopSignal || 'SIGTERM'));
  const timer = setTimeout(() => signal(constants.signals.SIGKILL), Math.max(0, timeoutSeconds) * 1000);
  const report = await exited;
  clearTimeout(timer);
  return { ok: true, exitCode: report.exitCode };
}
