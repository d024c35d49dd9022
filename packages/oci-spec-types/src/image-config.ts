/**
 * The image configuration blob (OCI image config, same shape as Docker's container image v1 JSON).
 * Docker writes `null` for empty container-config fields, so those accept null as "not set".
 */
import { checkDigest, type Digest } from './digest';
import {
  checkBoolean,
  checkEmptyObjectSet,
  checkNonEmptyString,
  checkObject,
  checkOptional,
  checkString,
  checkStringArray,
  checkStringMap,
  fail,
  parseJson,
  passes,
} from './validate';

/** The `config` section: how a container of this image runs. */
export interface ContainerConfig {
  User?: string | null;
  /** Keys like `80/tcp`, `53/udp`, `8080` (tcp implied); values are `{}`. */
  ExposedPorts?: Record<string, object> | null;
  /** `NAME=value` strings. */
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string | null;
  ArgsEscaped?: boolean | null;
}

export interface RootFs {
  type: 'layers';
  diff_ids: Digest[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  config?: ContainerConfig | null;
  rootfs: RootFs;
  history?: HistoryEntry[];
}

function checkContainerConfig(value: unknown, field: string): ContainerConfig {
  const obj = checkObject(value, field);
  checkOptional(obj, 'User', field, checkString, true);
  checkOptional(obj, 'ExposedPorts', field, checkEmptyObjectSet, true);
  checkOptional(obj, 'Env', field, checkStringArray, true);
  checkOptional(obj, 'Entrypoint', field, checkStringArray, true);
  checkOptional(obj, 'Cmd', field, checkStringArray, true);
  checkOptional(obj, 'Volumes', field, checkEmptyObjectSet, true);
  checkOptional(obj, 'WorkingDir', field, checkString, true);
  checkOptional(obj, 'Labels', field, checkStringMap, true);
  checkOptional(obj, 'StopSignal', field, checkString, true);
  checkOptional(obj, 'ArgsEscaped', field, checkBoolean, true);
  return obj as ContainerConfig;
}

function checkRootFs(value: unknown, field: string): RootFs {
  const obj = checkObject(value, field);
  if (obj.type !== 'layers') fail(`${field}.type`, '"layers"', obj.type);
  if (!Array.isArray(obj.diff_ids)) fail(`${field}.diff_ids`, 'an array of digests', obj.diff_ids);
  obj.diff_ids.forEach((id, i) => checkDigest(id, `${field}.diff_ids[${i}]`));
  return obj as unknown as RootFs;
}

function checkHistoryEntry(value: unknown, field: string): HistoryEntry {
  const obj = checkObject(value, field);
  for (const key of ['created', 'created_by', 'author', 'comment']) checkOptional(obj, key, field, checkString);
  checkOptional(obj, 'empty_layer', field, checkBoolean);
  return obj as HistoryEntry;
}

export function checkImageConfig(value: unknown, field = 'image config'): ImageConfig {
  const obj = checkObject(value, field);
  checkOptional(obj, 'created', field, checkString);
  checkOptional(obj, 'author', field, checkString);
  checkNonEmptyString(obj.architecture, `${field}.architecture`);
  checkNonEmptyString(obj.os, `${field}.os`);
  checkOptional(obj, 'os.version', field, checkString);
  checkOptional(obj, 'os.features', field, checkStringArray);
  checkOptional(obj, 'variant', field, checkString);
  checkOptional(obj, 'config', field, checkContainerConfig, true);
  checkRootFs(obj.rootfs, `${field}.rootfs`);
  if (obj.history !== undefined && obj.history !== null) {
    if (!Array.isArray(obj.history)) fail(`${field}.history`, 'an array', obj.history);
    obj.history.forEach((entry, i) => checkHistoryEntry(entry, `${field}.history[${i}]`));
  }
  return obj as unknown as ImageConfig;
}

export const isImageConfig = (value: unknown): value is ImageConfig => passes(() => checkImageConfig(value));
export const parseImageConfig = (json: string | Uint8Array): ImageConfig => checkImageConfig(parseJson(json, 'image config'));

/** Layers that produced a filesystem change: history entries without `empty_layer`, in order. */
export function nonEmptyHistory(config: ImageConfig): HistoryEntry[] {
  return (config.history ?? []).filter((entry) => !entry.empty_layer);
}
