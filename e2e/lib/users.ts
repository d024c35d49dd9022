import { execFileSync } from 'node:child_process';

/** The unprivileged user with subordinate id ranges that every e2e test runs tsctr as. */
export const TEST_USER = 'tsctr-test';
/** A user without /etc/subuid and /etc/subgid ranges, for the error-path tests. */
export const NOSUB_USER = 'tsctr-nosub';

export interface UserInfo {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const cache = new Map<string, UserInfo>();

/** Looks a user up in the passwd database (created by e2e/setup/system.sh). */
export function userInfo(name: string): UserInfo {
  const known = cache.get(name);
  if (known) return known;
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`user ${name} does not exist: run "sudo bash e2e/setup/setup.sh" first`);
  }
  const [, , uid, gid, , home] = line.split(':');
  const info = { name, uid: Number(uid), gid: Number(gid), home };
  cache.set(name, info);
  return info;
}
