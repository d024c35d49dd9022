/** Pure pieces shared by the -v, --mount and --tmpfs parsers: paths, names, sizes and flag words. */
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { PROPAGATIONS, type MountSpec, type Propagation } from './mount-spec';

/** docker's rule for volume names. */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function checkVolumeName(name: string, where: string): string {
  if (!VOLUME_NAME.test(name)) {
    throw new TsctrError(`invalid volume name "${name}" in ${where}: names start with a letter or digit and contain only letters, digits, "_", "." and "-" (a host path must be absolute)`);
  }
  return name;
}

/** An absolute container path, normalized; "/" itself cannot be a mount destination. */
export function checkDestination(destination: string, where: string): string {
  if (destination === '') throw new TsctrError(`missing container path in ${where}`);
  if (!destination.startsWith('/')) throw new TsctrError(`invalid container path "${destination}" in ${where}: it must be absolute`);
  const normalized = path.posix.normalize(destination).replace(/\/+$/, '') || '/';
  if (normalized === '/') throw new TsctrError(`invalid container path "/" in ${where}: cannot mount over the container's root`);
  return normalized;
}

/** A host path for a bind mount: absolute (relative paths are refused, not guessed), normalized. */
export function checkHostPath(source: string, where: string): string {
  if (!source.startsWith('/')) {
    throw new TsctrError(`relative host path "${source}" in ${where}: bind mount sources must be absolute paths (e.g. "$PWD/${source.replace(/^\.\//, '')}")`);
  }
  return path.posix.normalize(source).replace(/(.)\/+$/, '$1');
}

/** tmpfs size as the kernel takes it: bytes or a number with k, m, g (any case) or %. */
export function checkTmpfsSize(value: string, where: string): string {
  if (!/^\d+[kmgKMG%]?$/.test(value) || /^0+[kmgKMG%]?$/.test(value)) {
    throw new TsctrError(`invalid tmpfs size "${value}" in ${where}: give bytes or a number with k, m or g (e.g. 64m)`);
  }
  return value.toLowerCase();
}

export function checkOctalMode(value: string, where: string): number {
  if (!/^[0-7]{1,4}$/.test(value)) throw new TsctrError(`invalid tmpfs mode "${value}" in ${where}: give octal permission bits such as 1777`);
  return parseInt(value, 8);
}

export function checkId(value: string, what: string, where: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 2 ** 32 - 2) throw new TsctrError(`invalid ${what} "${value}" in ${where}: give a numeric id`);
  return Number(value);
}

export function isPropagation(word: string): word is Propagation {
  return (PROPAGATIONS as readonly string[]).includes(word);
}

export function checkPropagation(word: string, where: string): Propagation {
  if (word === 'shared' || word === 'rshared') {
    throw new TsctrError(`mount propagation "${word}" in ${where} is not supported: a rootless container's mounts live in a private mount namespace and cannot propagate back to the host; use private, rprivate, slave or rslave`);
  }
  if (!isPropagation(word)) throw new TsctrError(`invalid mount propagation "${word}" in ${where}: use private, rprivate, slave or rslave`);
  return word;
}

/**
 * The mount flag words every type understands: ro/rw, [no]exec, [no]suid, [no]dev. Returns the
 * updated spec, or undefined when `word` is not one of them.
 */
export function applyFlagWord(spec: MountSpec, word: string): MountSpec | undefined {
  switch (word) {
    case 'ro':
    case 'readonly':
      return { ...spec, readOnly: true };
    case 'rw':
      return { ...spec, readOnly: false };
    case 'noexec':
    case 'exec':
      return { ...spec, noexec: word === 'noexec' };
    case 'nosuid':
    case 'suid':
      return { ...spec, nosuid: word === 'nosuid' };
    case 'nodev':
    case 'dev':
      return { ...spec, nodev: word === 'nodev' };
    default:
      return undefined;
  }
}

/** Pure: refuses contradictory words such as "ro,rw" in one option list. */
export function checkConflicts(words: readonly string[], where: string): void {
  const pairs: [string, string][] = [['ro', 'rw'], ['exec', 'noexec'], ['suid', 'nosuid'], ['dev', 'nodev'], ['z', 'Z'], ['copy', 'nocopy'], ['bind', 'rbind']];
  for (const [a, b] of pairs) {
    if (words.includes(a) && words.includes(b)) throw new TsctrError(`conflicting options "${a}" and "${b}" in ${where}`);
  }
  const propagations = words.filter((w) => isPropagation(w) || w === 'shared' || w === 'rshared');
  if (propagations.length > 1) throw new TsctrError(`more than one mount propagation (${propagations.join(', ')}) in ${where}`);
  const seen = new Set<string>();
  for (const w of words) {
    if (seen.has(w)) throw new TsctrError(`option "${w}" given twice in ${where}`);
    seen.add(w);
  }
}
