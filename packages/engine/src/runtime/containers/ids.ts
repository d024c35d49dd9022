import { urandomBytes } from '../../sys/random';

export const SHORT_ID_LENGTH = 12;
const FULL_ID = /^[0-9a-f]{64}$/;

/**
 * A new 64-hex container id. Like docker, an id whose short form is all digits is drawn again, so
 * a short id can never be mistaken for a number.
 */
export function newContainerId(random: (n: number) => Buffer = urandomBytes): string {
  for (;;) {
    const id = random(32).toString('hex');
    if (!/^[0-9]+$/.test(id.slice(0, SHORT_ID_LENGTH))) return id;
  }
}

export const shortId = (id: string): string => id.slice(0, SHORT_ID_LENGTH);
export const isFullContainerId = (s: string): boolean => FULL_ID.test(s);
