/**
 * Pure: `-v/--volume [SOURCE:]DEST[:OPTIONS]` (docker's and podman's syntax). SOURCE is an absolute
 * host path (bind mount) or a volume name; without it the volume is anonymous.
 */
import { TsctrError } from '../../errors';
import { applyFlagWord, checkConflicts, checkDestination, checkHostPath, checkPropagation, checkVolumeName } from './mount-options';
import { baseMount, type MountSpec } from './mount-spec';

const OPTION_WORDS = ['ro', 'rw', 'z', 'Z', 'U', 'O', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'bind', 'rbind', 'nocopy', 'copy', 'private', 'rprivate', 'slave', 'rslave'];
const SUPPORTED = OPTION_WORDS.join(', ');

/** `-v /path:ro` is an anonymous volume with options, `-v /host:ctr` a bind with a bad destination. */
function looksLikeOptions(text: string): boolean {
  return text.split(',').every((w) => OPTION_WORDS.includes(w) || w === 'shared' || w === 'rshared');
}

export function parseVolumeFlag(value: string): MountSpec {
  const where = `-v ${value}`;
  const parts = value.split(':');
  let source: string | undefined;
  let destination: string;
  let options = '';
  if (parts.length === 1) {
    destination = parts[0] as string;
  } else if (parts.length === 2 && looksLikeOptions(parts[1] as string) && (parts[0] as string).startsWith('/')) {
    [destination, options] = parts as [string, string];
  } else if (parts.length === 2 || parts.length === 3) {
    [source, destination] = parts as [string, string];
    options = parts[2] ?? '';
  } else {
    throw new TsctrError(`invalid volume "${value}": expected [SOURCE:]CONTAINER-PATH[:OPTIONS]`);
  }
  if (source === '') throw new TsctrError(`invalid volume "${value}": the source before ":" is empty`);
  const dest = checkDestination(destination, where);
  let spec: MountSpec;
  if (source === undefined) spec = { ...baseMount('volume', '', dest), anonymous: true };
  else if (source.startsWith('/')) spec = baseMount('bind', checkHostPath(source, where), dest);
  else if (source.startsWith('.') || source.includes('/') || source.startsWith('~')) spec = baseMount('bind', checkHostPath(source, where), dest);
  else spec = baseMount('volume', checkVolumeName(source, where), dest);
  return applyVolumeOptions(spec, options, where);
}

function applyVolumeOptions(initial: MountSpec, options: string, where: string): MountSpec {
  const words = options === '' ? [] : options.split(',');
  if (words.includes('')) throw new TsctrError(`empty option in ${where}`);
  checkConflicts(words, where);
  let spec = initial;
  for (const word of words) {
    const flagged = applyFlagWord(spec, word);
    if (flagged) {
      spec = flagged;
      continue;
    }
    switch (word) {
      case 'z':
      case 'Z':
        spec = { ...spec, relabel: word };
        break;
      case 'U':
        spec = { ...spec, chown: true };
        break;
      case 'O':
        if (spec.type !== 'bind') throw new TsctrError(`option "O" in ${where} needs a host directory as the source (an overlay on top of it)`);
        spec = { ...spec, overlay: true };
        break;
      case 'bind':
      case 'rbind':
        spec = { ...spec, recursive: word === 'rbind' };
        break;
      case 'nocopy':
      case 'copy':
        if (spec.type !== 'volume') throw new TsctrError(`option "${word}" in ${where} only applies to named volumes`);
        spec = { ...spec, noCopy: word === 'nocopy' };
        break;
      default:
        if (/^r?(private|slave|shared)$/.test(word)) spec = { ...spec, propagation: checkPropagation(word, where) };
        else throw new TsctrError(`unknown option "${word}" in ${where}: supported are ${SUPPORTED}`);
    }
  }
  if (spec.overlay && spec.readOnly) throw new TsctrError(`options "O" and "ro" cannot be combined in ${where}: an overlay is writable and its changes are discarded`);
  return spec;
}
