import { TsctrError } from '@tsctr/engine/errors';

/** Pure: `--creds user:password` (the password may contain ':'); `user` alone is refused (no prompting). */
export function parseCredentialsFlag(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new TsctrError('invalid --creds: expected user:password');
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}
