/**
 * Named volumes: `R/volumes/<name>/volume.json` + `_data`. Every change happens under the store
 * lock; a volume exists exactly when its volume.json does (written last on create, removed first).
 * Which containers use a volume is read from the container records (running or not, like podman).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TsctrError, errnoCode } from '../../errors';
import { urandomBytes } from '../../sys/random';
import { readJsonFile, writeFileAtomic } from '../../storage/atomic';
import { withStoreLock } from '../../storage/lock';
import { tmpDir } from '../../storage/layout';
import { newTempName } from '../../storage/tempnames';
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig } from '../container-types';
import { checkVolumeName } from '../mounts/mount-options';
import type { MountSpec } from '../mounts/mount-spec';
import { removeTree } from '../containers/remove';
import { listContainers } from '../containers/store';
import { volumeDataDir, volumeDir, volumeRecordPath, volumesDir } from './volume-layout';
import { isVolumeRecord, type VolumeRecord } from './volume-record';

export function noSuchVolumeError(name: string): TsctrError {
  return new TsctrError(`no volume with name "${name}" found: no such volume`);
}

export const newAnonymousVolumeName = (): string => urandomBytes(32).toString('hex');

export function readVolume(p: StorePaths, name: string): Promise<VolumeRecord | undefined> {
  return readJsonFile(volumeRecordPath(p, name), isVolumeRecord);
}

async function writeVolume(p: StorePaths, v: VolumeRecord, owner?: { uid: number; gid: number }): Promise<void> {
  await writeFileAtomic(volumeRecordPath(p, v.name), JSON.stringify(v, null, 2) + '\n', 0o644, owner);
}

/** Every volume, sorted by name. */
export async function listVolumes(p: StorePaths): Promise<VolumeRecord[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(volumesDir(p));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const records = await Promise.all(names.map((n) => readVolume(p, n)));
  return records.filter((r): r is VolumeRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

export async function findVolume(p: StorePaths, name: string): Promise<VolumeRecord> {
  const v = await readVolume(p, name);
  if (!v) throw noSuchVolumeError(name);
  return v;
}

export interface CreateVolumeOptions {
  readonly labels?: Readonly<Record<string, string>>;
  readonly anonymous?: boolean;
  /** Return the existing volume instead of failing (podman's --ignore, and first use by -v). */
  readonly ignoreExisting?: boolean;
}

/** Creates a volume (a generated name when `name` is undefined); nothing is left behind on failure. */
export async function createVolume(p: StorePaths, name: string | undefined, opts: CreateVolumeOptions = {}): Promise<VolumeRecord> {
  const volumeName = name === undefined ? newAnonymousVolumeName() : checkVolumeName(name, 'volume create');
  return withStoreLock(p, async () => {
    const existing = await readVolume(p, volumeName);
    if (existing) {
      if (opts.ignoreExisting) return existing;
      throw new TsctrError(`volume with name ${volumeName} already exists: volume already exists`);
    }
    const record: VolumeRecord = {
      name: volumeName, driver: 'local', createdAt: new Date().toISOString(), labels: { ...(opts.labels ?? {}) }, anonymous: opts.anonymous === true, needsCopyUp: true,
    };
    await fs.promises.mkdir(volumesDir(p), { recursive: true, mode: 0o700 });
    await removeTree(volumeDir(p, volumeName)); // a leftover of an interrupted create or removal
    await fs.promises.mkdir(volumeDir(p, volumeName), { mode: 0o700 });
    try {
      await fs.promises.mkdir(volumeDataDir(p, volumeName), { mode: 0o755 });
      await writeVolume(p, record);
    } catch (err) {
      await removeTree(volumeDir(p, volumeName));
      throw err;
    }
    return record;
  });
}

/**
 * Creates the volumes a container's mounts name that do not exist yet (under one lock) and returns
 * the names it created, so that a caller whose next step fails can take them back.
 */
export async function ensureVolumes(p: StorePaths, mounts: readonly MountSpec[]): Promise<string[]> {
  return withStoreLock(p, async () => {
    const created: string[] = [];
    try {
      for (const m of mounts) {
        if (m.type !== 'volume' || (await readVolume(p, m.source))) continue;
        await createVolume(p, m.source, { anonymous: m.anonymous, ignoreExisting: true });
        created.push(m.source);
      }
    } catch (err) {
      await removeUnusedVolumes(p, created);
      throw err;
    }
    return created;
  });
}

/** Removes the named volumes that no container uses (the roll-back of `ensureVolumes`). */
export async function removeUnusedVolumes(p: StorePaths, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await removeVolume(p, name);
    } catch (err) {
      if (!(err instanceof TsctrError)) throw err;
    }
  }
}

/** Pure: the names of the volumes a container config mounts. */
export function volumesOf(config: Pick<ContainerConfig, 'mounts'>): string[] {
  return (config.mounts ?? []).filter((m) => m.type === 'volume').map((m) => m.source);
}

/** Ids of the containers (any state) whose config mounts `name`. */
export async function volumeUsers(p: StorePaths, name: string): Promise<string[]> {
  return (await listContainers(p)).filter((r) => volumesOf(r.config).includes(name)).map((r) => r.config.id);
}

function inUseError(name: string, users: readonly string[]): TsctrError {
  return new TsctrError(`volume ${name} is being used by the following container(s): ${users.join(', ')}: volume is being used (remove the containers first, or use volume rm -f)`);
}

/**
 * Removes a volume. One that a container uses is refused unless `removeUsers` is given (`-f`): it
 * removes those containers first (it is called outside the lock).
 */
export async function removeVolume(p: StorePaths, name: string, opts: { removeUsers?: (ids: readonly string[]) => Promise<void> } = {}): Promise<void> {
  await findVolume(p, name);
  const users = await volumeUsers(p, name);
  if (users.length > 0) {
    if (!opts.removeUsers) throw inUseError(name, users);
    await opts.removeUsers(users);
  }
  // Moved aside under the lock, deleted outside it: a volume created again meanwhile is untouched.
  const doomed = path.join(tmpDir(p), newTempName('remove'));
  await withStoreLock(p, async () => {
    const still = await volumeUsers(p, name);
    if (still.length > 0) throw inUseError(name, still);
    await fs.promises.rm(volumeRecordPath(p, name), { force: true });
    if (await fs.promises.mkdir(tmpDir(p), { recursive: true, mode: 0o700 })) {
      // Made by an engine (--rm) under keep-id, root of its namespace is not the user: give it back.
      const owner = await fs.promises.stat(p.root);
      await fs.promises.chown(tmpDir(p), owner.uid, owner.gid);
    }
    await fs.promises.rename(volumeDir(p, name), doomed);
  });
  await removeTree(doomed);
}

/** `volume prune`: removes every volume no container uses; returns their names. */
export async function pruneVolumes(p: StorePaths): Promise<string[]> {
  const removed: string[] = [];
  for (const v of await listVolumes(p)) {
    try {
      await removeVolume(p, v.name);
      removed.push(v.name);
    } catch (err) {
      if (!(err instanceof TsctrError)) throw err;
    }
  }
  return removed;
}

/** `rm -v` and `--rm`: the anonymous volumes of a removed container that no other container uses. */
export async function removeAnonymousVolumes(p: StorePaths, config: Pick<ContainerConfig, 'mounts'>): Promise<void> {
  for (const m of config.mounts ?? []) {
    if (m.type !== 'volume' || !m.anonymous) continue;
    try {
      await removeVolume(p, m.source);
    } catch (err) {
      if (!(err instanceof TsctrError)) throw err;
    }
  }
}

/** The engine's note that a volume got its first content (owned by the volume dir's owner). */
export async function markCopiedUp(p: StorePaths, name: string, owner: { uid: number; gid: number }): Promise<void> {
  const v = await readVolume(p, name);
  if (v?.needsCopyUp) await writeVolume(p, { ...v, needsCopyUp: false }, owner);
}
