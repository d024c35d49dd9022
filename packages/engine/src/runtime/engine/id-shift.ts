/**
 * Image layers are extracted once, owned as the default mapping (container 0 = the user, 1.. = the
 * subordinate ids) makes them. A container with another mapping (--userns=keep-id, --uidmap) must
 * still see image owners (root-owned /etc stays root-owned): fuse-overlayfs presents shifted owners
 * with its uidmapping=/gidmapping= options, which this module computes.
 */
import * as fs from 'node:fs';
import type { IdMapEntry, IdMappings } from '../idmap';
import { planDefaultMappings } from '../subids';
import { readSubordinateIds } from '../subid-files';

/**
 * Pure: fuse-overlayfs's `DISK:PRESENTED:LEN[:...]` for one id kind. fuse-overlayfs runs in the
 * container's user namespace, so an id on disk (host id H) reads as container⁻¹(H) there and must be
 * presented as storage⁻¹(H), the owner the image gave it.
 */
export function fuseIdMapping(storage: readonly IdMapEntry[], container: readonly IdMapEntry[]): string {
  const groups: string[] = [];
  for (const s of storage) {
    for (const c of container) {
      const start = Math.max(s.hostId, c.hostId);
      const end = Math.min(s.hostId + s.size, c.hostId + c.size);
      if (start >= end) continue;
      groups.push(`${c.containerId + start - c.hostId}:${s.containerId + start - s.hostId}:${end - start}`);
    }
  }
  return groups.join(':');
}

/** Pure: the host id of container id `id` under `map`, if mapped. */
export function toHostId(map: readonly IdMapEntry[], id: number): number | undefined {
  const e = map.find((m) => id >= m.containerId && id < m.containerId + m.size);
  return e ? e.hostId + id - e.containerId : undefined;
}

/** Pure: the login name of `uid` in a passwd text. */
export function userNameOf(passwd: string, uid: number): string | undefined {
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 3 && Number(fields[2]) === uid && fields[2] !== '') return fields[0];
  }
  return undefined;
}

/**
 * The mapping the store's layers were extracted with: the default mapping of the user who owns the
 * data root (seen from inside the container's namespace, translated back with its maps).
 */
export function storageMappings(root: string, container: IdMappings): IdMappings | undefined {
  const st = fs.statSync(root);
  const uid = toHostId(container.uidMap, st.uid);
  const gid = toHostId(container.gidMap, st.gid);
  if (uid === undefined || gid === undefined) return undefined;
  const name = userNameOf(fs.readFileSync('/etc/passwd', 'utf8'), uid) ?? String(uid);
  const user = { name, uid, gid };
  return planDefaultMappings(user, readSubordinateIds(user));
}
