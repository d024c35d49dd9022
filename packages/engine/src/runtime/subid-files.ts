/**
 * The user's subordinate id ranges (/etc/subuid, /etc/subgid) and the default mapping made of
 * them. Apart from userns.ts (the launch) so that the engine's id shifting does not load the launch code.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isErrnoException } from '../errors';
import type { IdMappings } from './idmap';
import { SUBGID_FILE, SUBUID_FILE, parseSubidFile, planDefaultMappings, type SubordinateIds, type UserIdentity } from './subids';

/** The user running tsctr (name from the passwd database). */
export function currentUser(): UserIdentity {
  const info = userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid };
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrnoException(err, 'ENOENT')) return '';
    throw err;
  }
}

/** The user's ranges from /etc/subuid and /etc/subgid (empty when a file is missing). */
export function readSubordinateIds(user: UserIdentity): SubordinateIds {
  return {
    uids: parseSubidFile(readIfExists(SUBUID_FILE), { name: user.name, id: user.uid }),
    gids: parseSubidFile(readIfExists(SUBGID_FILE), { name: user.name, id: user.gid }),
  };
}

/** The default mapping (container 0 = the user, 1.. = the subordinate ranges) of the current user. */
export function loadDefaultMappings(user: UserIdentity = currentUser()): IdMappings {
  return planDefaultMappings(user, readSubordinateIds(user));
}
