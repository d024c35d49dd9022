/** Detach key sequences (`--detach-keys`, podman's format) and a matcher for the stdin stream. */
import { TsctrError } from '../../errors';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/**
 * Pure: "ctrl-p,ctrl-q" -> the bytes 0x10 0x11. Keys are single characters or ctrl-<a-z @ [ \ ] ^ _>.
 * An empty string disables detaching (returns an empty buffer).
 */
export function parseDetachKeys(spec: string): Buffer {
  if (spec === '') return Buffer.alloc(0);
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (ctrl) {
      const c = ctrl[1].toLowerCase();
      const code = c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : '@[\\]^_'.indexOf(c) >= 0 ? c.charCodeAt(0) - 64 : -1;
      if (code < 0) throw badKeys(spec, key);
      bytes.push(code);
    } else if (key.length === 1 && key.charCodeAt(0) < 128) {
      bytes.push(key.charCodeAt(0));
    } else {
      throw badKeys(spec, key);
    }
  }
  return Buffer.from(bytes);
}

function badKeys(spec: string, key: string): TsctrError {
  return new TsctrError(`invalid --detach-keys "${spec}": "${key}" is not a key; use a comma-separated list of single characters or ctrl-<letter>, e.g. ctrl-p,ctrl-q`);
}

/**
 * Watches stdin bytes for the detach sequence. Bytes that might start the sequence are held back
 * until it is clear whether they complete it; if not, they are forwarded.
 */
export class DetachKeyMatcher {
  private matched = 0;
  constructor(private readonly keys: Buffer) {}

  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detach: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i]);
      this.matched = 0;
      if (byte === this.keys[0]) this.matched = 1;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
