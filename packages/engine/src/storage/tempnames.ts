/**
 * Names of entries in R/tmp carry their owner's pid and start time, so a later command can tell an
 * entry of a live process from the leftovers of one that died (pids are reused; start times are not).
 */
import { processStartTime } from '../sys/proc';
import { urandomBytes } from '../sys/random';

let ownStartTime: string | undefined;

/** A fresh name `<kind>-<pid>-<starttime>-<random>` for an entry in R/tmp. */
export function newTempName(kind: string): string {
  ownStartTime ??= processStartTime(process.pid) ?? '0';
  return `${kind}-${process.pid}-${ownStartTime}-${urandomBytes(8).toString('hex')}`;
}

export interface TempNameOwner {
  readonly pid: number;
  readonly startTime: string;
}

/** Pure: the owner recorded in a temp name, or undefined for names we did not make. */
export function parseTempName(name: string): TempNameOwner | undefined {
  const m = /^[a-z]+-(\d+)-(\d+)-[0-9a-f]+$/.exec(name);
  return m ? { pid: Number(m[1]), startTime: m[2] } : undefined;
}

/** True when the temp entry's owner process is gone (or the name is not one of ours). */
export function isStaleTempName(name: string, startTimeOf: (pid: number) => string | undefined = processStartTime): boolean {
  const owner = parseTempName(name);
  if (!owner) return true;
  return startTimeOf(owner.pid) !== owner.startTime;
}
