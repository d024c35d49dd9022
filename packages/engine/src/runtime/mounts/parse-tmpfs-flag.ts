/** Pure: `--tmpfs /path[:options]` (size=, mode=, uid=, gid=, nr_inodes= and the flag words). */
import { TsctrError } from '../../errors';
import { applyFlagWord, checkConflicts, checkDestination, checkId, checkOctalMode, checkTmpfsSize } from './mount-options';
import { baseMount, type MountSpec } from './mount-spec';

export function parseTmpfsFlag(value: string): MountSpec {
  const where = `--tmpfs ${value}`;
  const colon = value.indexOf(':');
  const destination = checkDestination(colon < 0 ? value : value.slice(0, colon), where);
  const options = colon < 0 ? '' : value.slice(colon + 1);
  const words = options === '' ? [] : options.split(',');
  checkConflicts(words.filter((w) => !w.includes('=')), where);
  let spec = baseMount('tmpfs', 'tmpfs', destination);
  for (const word of words) {
    const flagged = applyFlagWord(spec, word);
    if (flagged) {
      spec = flagged;
      continue;
    }
    const eq = word.indexOf('=');
    const key = eq < 0 ? word : word.slice(0, eq);
    const v = eq < 0 ? '' : word.slice(eq + 1);
    switch (key) {
      case 'size':
        spec = { ...spec, tmpfs: { ...spec.tmpfs, size: checkTmpfsSize(v, where) } };
        break;
      case 'mode':
        spec = { ...spec, tmpfs: { ...spec.tmpfs, mode: checkOctalMode(v, where) } };
        break;
      case 'uid':
      case 'gid':
        spec = { ...spec, tmpfs: { ...spec.tmpfs, [key]: checkId(v, key, where) } };
        break;
      case 'nr_inodes':
        if (!/^\d+[kmg]?$/.test(v)) throw new TsctrError(`invalid nr_inodes "${v}" in ${where}: give a number (k, m, g allowed)`);
        spec = { ...spec, tmpfs: { ...spec.tmpfs, nrInodes: v } };
        break;
      case 'tmpcopyup':
      case 'notmpcopyup':
        break; // podman's copy of the image's content into the tmpfs: tsctr never copies (docker's behaviour)
      case 'private':
      case 'rprivate':
        break;
      default:
        throw new TsctrError(`unknown option "${word}" in ${where}: supported are size=, mode=, uid=, gid=, nr_inodes=, ro, rw, exec, noexec, suid, nosuid, dev, nodev`);
    }
  }
  return spec;
}
