/**
 * Which storage driver a new container uses: the --storage-driver flag, else `driver` in the
 * [storage] table of $XDG_CONFIG_HOME/tsctr/storage.conf (containers-storage.conf(5) syntax; tsctr
 * reads its own file, not podman's, because podman's usually says vfs or overlay for a different
 * store), else overlay (kernel overlayfs in the user namespace; fuse-overlayfs is the fallback).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { errnoCode } from '../../errors';
import type { StorageDriver } from '../container-types';

// smol-toml is an ES module with a CommonJS build; the engine is CommonJS, so require the CJS build.
type SmolToml = typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });
// Required on first use: most runs have no storage.conf.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parseToml = (text: string): unknown => (require('smol-toml') as SmolToml).parse(text);

export const STORAGE_DRIVERS: readonly StorageDriver[] = ['overlay', 'fuse-overlayfs'];
export const DEFAULT_STORAGE_DRIVER: StorageDriver = 'overlay';

export function storageConfigPath(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? os.homedir()): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, 'tsctr', 'storage.conf');
}

export function checkStorageDriver(value: string, source: string): StorageDriver {
  if ((STORAGE_DRIVERS as readonly string[]).includes(value)) return value as StorageDriver;
  throw new TsctrError(`unknown storage driver "${value}" (${source}): use overlay or fuse-overlayfs`);
}

/** Pure: the driver named by a storage.conf text, or undefined when it names none. */
export function driverFromConfigText(text: string, source: string): StorageDriver | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new TsctrError(`${source} is not valid TOML: ${(err as Error).message}`);
  }
  const storage = doc.storage as Record<string, unknown> | undefined;
  const driver = storage?.driver;
  if (driver === undefined || driver === '') return undefined;
  if (typeof driver !== 'string') throw new TsctrError(`${source}: [storage] driver must be a string`);
  return checkStorageDriver(driver, source);
}

export function resolveStorageDriver(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): StorageDriver {
  if (flag !== undefined && flag !== '') return checkStorageDriver(flag, '--storage-driver');
  const file = storageConfigPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return DEFAULT_STORAGE_DRIVER;
    throw err;
  }
  return driverFromConfigText(text, file) ?? DEFAULT_STORAGE_DRIVER;
}
