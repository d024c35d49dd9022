/**
 * The container store: create, find, list, rename and update container records under
 * R/containers/<id>/. Every change happens under the store lock; reads need no lock because every
 * file is replaced atomically.
 */
import * as fs from 'node:fs';
import { TsctrError } from '../../errors';
import { replaceFileSync } from '../../storage/atomic';
import { withStoreLock } from '../../storage/lock';
import { containersDir } from '../../storage/layout';
import { readdirIfExists, readdirIfExistsSync } from '../../storage/readdir-if-exists';
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig, ContainerState } from '../container-types';
import { newContainerId, isFullContainerId } from './ids';
import {
  containerConfigPath, containerDir, containerMergedDir, containerStatePath, containerUpperDir, containerUserdataDir, containerWorkDir,
} from './layout';
import { effectiveState, isStale } from './liveness';
import { generateContainerName, validateContainerName } from './names';
import {
  readContainerConfig, readContainerRecord, readContainerRecordSync, readContainerState, writeContainerConfig, writeContainerState,
  type ContainerRecord,
} from './records';

export type { ContainerRecord } from './records';

export interface ContainerIdentity {
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly created: string;
}

export function nameInUseError(name: string, id: string): TsctrError {
  return new TsctrError(`the container name "${name}" is already in use by ${id}. You have to remove that container to be able to reuse that name`);
}

export function noSuchContainerError(ref: string): TsctrError {
  return new TsctrError(`no container with name or ID "${ref}" found: no such container`);
}

/** Ids of every directory under R/containers (complete or not). */
async function containerIds(p: StorePaths): Promise<string[]> {
  return (await readdirIfExists(containersDir(p))).filter(isFullContainerId);
}

/**
 * Id and name of every complete record, read synchronously: createContainer holds the store lock
 * and waits for nothing else, so thread-pool round trips would only add time to `run`.
 */
function recordNamesSync(p: StorePaths): { readonly id: string; readonly name: string }[] {
  return readdirIfExistsSync(containersDir(p)).filter(isFullContainerId).flatMap((id) => {
    const record = readContainerRecordSync(p, id);
    return record ? [{ id: record.config.id, name: record.config.name }] : [];
  });
}

/** Every complete record with its effective (liveness-checked) state, newest first. */
export async function listContainers(p: StorePaths, now = new Date()): Promise<ContainerRecord[]> {
  const records = await Promise.all((await containerIds(p)).map((id) => readContainerRecord(p, id)));
  return records
    .filter((r): r is ContainerRecord => r !== undefined)
    .map((r) => ({ config: r.config, state: effectiveState(r.state, now) }))
    .sort((a, b) => b.config.created.localeCompare(a.config.created));
}

/**
 * Pure: the record `ref` names, like podman: full id, then exact name, then unique id prefix.
 * Throws a TsctrError when nothing or more than one container matches.
 */
export function matchContainer<T extends { readonly config: { readonly id: string; readonly name: string } }>(records: readonly T[], ref: string): T {
  const byId = records.find((r) => r.config.id === ref);
  if (byId) return byId;
  const byName = records.find((r) => r.config.name === ref);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(ref)) {
    const byPrefix = records.filter((r) => r.config.id.startsWith(ref));
    if (byPrefix.length === 1) return byPrefix[0];
    if (byPrefix.length > 1) {
      throw new TsctrError(`more than one container matches the ID prefix "${ref}" (${byPrefix.length} containers): give more characters of the ID, or the name`);
    }
  }
  throw noSuchContainerError(ref);
}

/** The record `ref` names (full id, name, or unique id prefix), with its effective state. */
export async function findContainer(p: StorePaths, ref: string): Promise<ContainerRecord> {
  return matchContainer(await listContainers(p), ref);
}

/**
 * Creates a container: picks the id (or takes `presetId`, the one an early-launched engine already
 * has), checks or generates the name, creates the directories and writes config.json (from
 * `build`) and state.json (created), all under the store lock. On any failure nothing is left behind.
 */
export async function createContainer(p: StorePaths, requestedName: string | undefined, build: (identity: ContainerIdentity) => ContainerConfig, presetId?: string): Promise<ContainerRecord> {
  if (requestedName !== undefined) validateContainerName(requestedName);
  return withStoreLock(p, async () => {
    const existing = recordNamesSync(p);
    const name = requestedName ?? generateContainerName(new Set(existing.map((r) => r.name)));
    const holder = existing.find((r) => r.name === name);
    if (holder) throw nameInUseError(name, holder.id);
    const id = presetId ?? newContainerId();
    const config = build({ id, name, created: new Date().toISOString() });
    if (config.id !== id || config.name !== name) throw new Error('createContainer: build() must keep the given id and name');
    const state: ContainerState = { status: 'created' };
    // Synchronous: a handful of small calls, each of which would be a thread-pool round trip.
    fs.mkdirSync(containersDir(p), { recursive: true, mode: 0o700 });
    // An early-launched engine (presetId) already made it for its engine.log.
    fs.mkdirSync(containerDir(p, id), { mode: 0o700, recursive: presetId !== undefined });
    try {
      for (const dir of [containerUpperDir(p, id), containerWorkDir(p, id), containerMergedDir(p, id), containerUserdataDir(p, id)]) {
        fs.mkdirSync(dir, { mode: 0o755 });
      }
      if (config.autoRemove) {
        // A --rm container's record lives as long as its run: after a crash it is stale either way, so no fsync.
        replaceFileSync(containerStatePath(p, id), JSON.stringify(state, null, 2) + '\n', 0o600);
        replaceFileSync(containerConfigPath(p, id), JSON.stringify(config, null, 2) + '\n', 0o600);
      } else {
        await writeContainerState(p, id, state);
        // config.json last: a directory without it is not a container (listContainers skips it).
        await writeContainerConfig(p, config);
      }
    } catch (err) {
      fs.rmSync(containerDir(p, id), { recursive: true, force: true });
      throw err;
    }
    return { config, state };
  });
}

/**
 * Replaces the state under the store lock: `change` receives the effective state (a dead engine's
 * running state already turned into exited) and returns the new one.
 */
export async function updateContainerState(p: StorePaths, id: string, change: (current: ContainerState) => ContainerState): Promise<ContainerState> {
  return withStoreLock(p, async () => {
    const stored = await readContainerState(p, id);
    if (!stored) throw noSuchContainerError(id);
    const next = change(effectiveState(stored, new Date()));
    await writeContainerState(p, id, next);
    return next;
  });
}

/** Persists the exited state of containers whose engine died (the "fixed on next write" rule). */
export async function persistEffectiveState(p: StorePaths, id: string): Promise<ContainerState> {
  return withStoreLock(p, async () => {
    const stored = await readContainerState(p, id);
    if (!stored) throw noSuchContainerError(id);
    const effective = effectiveState(stored, new Date());
    if (isStale(stored, effective)) await writeContainerState(p, id, effective);
    return effective;
  });
}

/** Renames a container; the new name is validated and must be free. */
export async function renameContainer(p: StorePaths, ref: string, newName: string): Promise<ContainerRecord> {
  validateContainerName(newName);
  return withStoreLock(p, async () => {
    const records = await listContainers(p);
    const target = matchContainer(records, ref);
    if (target.config.name === newName) return target;
    const holder = records.find((r) => r.config.name === newName);
    if (holder) throw nameInUseError(newName, holder.config.id);
    const current = await readContainerConfig(p, target.config.id);
    if (!current) throw noSuchContainerError(ref);
    const config: ContainerConfig = { ...current, name: newName };
    await writeContainerConfig(p, config);
    return { config, state: target.state };
  });
}
