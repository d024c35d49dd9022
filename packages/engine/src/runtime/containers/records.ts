/** Reading and writing one container's config.json and state.json (atomic writes, shape guards). */
import type { StorePaths } from '../../storage/paths';
import { readJsonFile, readJsonFileSync, writeJsonFileAtomic } from '../../storage/atomic';
import type { ContainerConfig, ContainerState, ContainerStatus } from '../container-types';
import { containerConfigPath, containerStatePath } from './layout';

export interface ContainerRecord {
  readonly config: ContainerConfig;
  readonly state: ContainerState;
}

const STATUSES: readonly ContainerStatus[] = ['created', 'running', 'stopping', 'exited', 'removing'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isContainerConfig(v: unknown): v is ContainerConfig {
  return isObject(v) && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.created === 'string'
    && isObject(v.image) && isObject(v.process) && Array.isArray(v.process.args);
}

export function isContainerState(v: unknown): v is ContainerState {
  return isObject(v) && typeof v.status === 'string' && (STATUSES as readonly string[]).includes(v.status);
}

export const readContainerConfig = (p: StorePaths, id: string): Promise<ContainerConfig | undefined> =>
  readJsonFile(containerConfigPath(p, id), isContainerConfig);

/** Both files, read synchronously (the engine's start, which waits for nothing else). */
export function readContainerFilesSync(p: StorePaths, id: string): { config?: ContainerConfig; state?: ContainerState } {
  const config = readJsonFileSync(containerConfigPath(p, id), isContainerConfig);
  const state = readJsonFileSync(containerStatePath(p, id), isContainerState);
  return { ...(config && { config }), ...(state && { state }) };
}

export const readContainerState = (p: StorePaths, id: string): Promise<ContainerState | undefined> =>
  readJsonFile(containerStatePath(p, id), isContainerState);

export const writeContainerConfig = (p: StorePaths, config: ContainerConfig): Promise<void> =>
  writeJsonFileAtomic(containerConfigPath(p, config.id), config, 0o600);

export const writeContainerState = (p: StorePaths, id: string, state: ContainerState): Promise<void> =>
  writeJsonFileAtomic(containerStatePath(p, id), state, 0o600);

/** Both files, or undefined when the record is incomplete (being created or removed by another process). */
export async function readContainerRecord(p: StorePaths, id: string): Promise<ContainerRecord | undefined> {
  const [config, state] = await Promise.all([readContainerConfig(p, id), readContainerState(p, id)]);
  return config && state ? { config, state } : undefined;
}

/** readContainerRecord without the thread pool, for a caller that waits for nothing else. */
export function readContainerRecordSync(p: StorePaths, id: string): ContainerRecord | undefined {
  const { config, state } = readContainerFilesSync(p, id);
  return config && state ? { config, state } : undefined;
}
