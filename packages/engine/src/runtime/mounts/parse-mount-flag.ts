/**
 * Pure: `--mount type=bind|volume|tmpfs,source=...,destination=...,...` (docker's syntax, with
 * podman's extra words U, O, z, Z and the flag words of -v).
 */
import { TsctrError } from '../../errors';
import {
  applyFlagWord, checkConflicts, checkDestination, checkHostPath, checkId, checkOctalMode, checkPropagation, checkTmpfsSize, checkVolumeName,
} from './mount-options';
import { baseMount, type MountSpec, type MountType } from './mount-spec';

interface Field {
  readonly key: string;
  readonly value: string | undefined;
}

function fields(value: string, where: string): Field[] {
  return value.split(',').map((part) => {
    if (part === '') throw new TsctrError(`empty field in ${where}`);
    const eq = part.indexOf('=');
    return eq < 0 ? { key: part, value: undefined } : { key: part.slice(0, eq), value: part.slice(eq + 1) };
  });
}

function boolValue(f: Field, where: string): boolean {
  if (f.value === undefined || f.value === 'true' || f.value === '1') return true;
  if (f.value === 'false' || f.value === '0') return false;
  throw new TsctrError(`invalid value "${f.value}" for ${f.key} in ${where}: use true or false`);
}

function required(f: Field, where: string): string {
  if (f.value === undefined || f.value === '') throw new TsctrError(`${f.key} needs a value in ${where}`);
  return f.value;
}

export function parseMountFlag(value: string): MountSpec {
  const where = `--mount ${value}`;
  const all = fields(value, where);
  const typeField = all.find((f) => f.key === 'type');
  const type = (typeField?.value ?? 'volume') as MountType;
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw new TsctrError(`invalid mount type "${typeField?.value ?? ''}" in ${where}: use bind, volume or tmpfs`);
  }
  let source: string | undefined;
  let destination: string | undefined;
  let spec = baseMount(type, type === 'tmpfs' ? 'tmpfs' : '', '/');
  const words: string[] = [];
  for (const f of all) {
    if (f.key === 'type') continue;
    if (f.value === undefined) words.push(f.key);
    spec = applyField(spec, f, where, {
      setSource: (s) => (source = s),
      setDestination: (d) => (destination = d),
    });
  }
  checkConflicts(words, where);
  if (destination === undefined) throw new TsctrError(`missing destination (dst=/path) in ${where}`);
  const dest = checkDestination(destination, where);
  if (type === 'bind') {
    if (source === undefined) throw new TsctrError(`missing source (src=/host/path) in ${where}`);
    return { ...spec, source: checkHostPath(source, where), destination: dest };
  }
  if (type === 'volume') {
    return source === undefined ? { ...spec, destination: dest, anonymous: true } : { ...spec, source: checkVolumeName(source, where), destination: dest };
  }
  if (source !== undefined) throw new TsctrError(`a tmpfs mount takes no source in ${where}`);
  return { ...spec, destination: dest };
}

function applyField(spec: MountSpec, f: Field, where: string, set: { setSource: (s: string) => void; setDestination: (d: string) => void }): MountSpec {
  const onlyFor = (types: readonly MountType[]): void => {
    if (!types.includes(spec.type)) throw new TsctrError(`${f.key} does not apply to a ${spec.type} mount in ${where}`);
  };
  switch (f.key) {
    case 'source':
    case 'src':
      onlyFor(['bind', 'volume']);
      set.setSource(required(f, where));
      return spec;
    case 'destination':
    case 'dst':
    case 'target':
      set.setDestination(required(f, where));
      return spec;
    case 'readonly':
    case 'ro':
      return { ...spec, readOnly: boolValue(f, where) };
    case 'bind-propagation':
      onlyFor(['bind', 'volume']);
      return { ...spec, propagation: checkPropagation(required(f, where), where) };
    case 'bind-nonrecursive':
      onlyFor(['bind']);
      return { ...spec, recursive: !boolValue(f, where) };
    case 'volume-nocopy':
      onlyFor(['volume']);
      return { ...spec, noCopy: boolValue(f, where) };
    case 'relabel':
      return { ...spec, relabel: required(f, where) === 'private' ? 'Z' : 'z' };
    case 'consistency':
      return spec; // docker for Mac only; accepted and ignored, like docker on Linux
    case 'U':
    case 'chown':
      return { ...spec, chown: boolValue(f, where) };
    case 'O':
      onlyFor(['bind']);
      return { ...spec, overlay: boolValue(f, where) };
    case 'tmpfs-size':
      onlyFor(['tmpfs']);
      return { ...spec, tmpfs: { ...spec.tmpfs, size: checkTmpfsSize(required(f, where), where) } };
    case 'tmpfs-mode':
      onlyFor(['tmpfs']);
      return { ...spec, tmpfs: { ...spec.tmpfs, mode: checkOctalMode(required(f, where), where) } };
    case 'tmpfs-uid':
    case 'tmpfs-gid':
      onlyFor(['tmpfs']);
      return { ...spec, tmpfs: { ...spec.tmpfs, [f.key === 'tmpfs-uid' ? 'uid' : 'gid']: checkId(required(f, where), f.key, where) } };
    default: {
      if (f.value === undefined) {
        const flagged = applyFlagWord(spec, f.key);
        if (flagged) return flagged;
        if (f.key === 'z' || f.key === 'Z') return { ...spec, relabel: f.key };
      }
      throw new TsctrError(`unknown field "${f.key}" in ${where}: supported are type, source/src, destination/dst/target, readonly/ro, bind-propagation, bind-nonrecursive, volume-nocopy, tmpfs-size, tmpfs-mode, U, O, z, Z, exec/noexec, suid/nosuid, dev/nodev`);
    }
  }
}
