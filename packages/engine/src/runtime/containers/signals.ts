/** Signal names and numbers as users give them: `SIGTERM`, `TERM`, `term`, `15`. */
import { constants } from 'node:os';
import { TsctrError } from '../../errors';

const numbers = constants.signals as Readonly<Record<string, number>>;

/** Pure: the canonical name (`SIGTERM`) and number of a signal spec, or a TsctrError naming the flag. */
export function parseSignal(spec: string, flag = 'signal'): { readonly name: string; readonly number: number } {
  const text = spec.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    const name = Object.keys(numbers).find((k) => numbers[k] === n);
    if (name && n > 0) return { name, number: n };
  } else {
    const upper = text.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    const n = numbers[name];
    if (n !== undefined) return { name, number: n };
  }
  throw new TsctrError(`invalid ${flag} "${spec}": use a signal name like SIGTERM, TERM or KILL, or its number`);
}
