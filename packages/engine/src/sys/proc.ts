/** Facts about host processes from /proc/PID/stat. */
import * as fs from 'node:fs';

/**
 * Start time of a live process (field 22 of /proc/PID/stat, clock ticks since boot), or undefined
 * if it does not exist or is a zombie (a killed engine whose parent has not reaped it yet).
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseStatState(stat) === 'Z' || parseStatState(stat) === 'X' ? undefined : parseStatStartTime(stat);
}

/** Pure: field 3 of a /proc/PID/stat line (R, S, D, Z, X, ...). */
export function parseStatState(stat: string): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** Pure: field 22 of a /proc/PID/stat line (the command name may contain spaces and parentheses). */
export function parseStatStartTime(stat: string): string | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is at index 19.
  return afterName[19];
}
