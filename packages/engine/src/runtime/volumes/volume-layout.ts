/** Pure: where named volumes live in the data root (see docs/architecture.md, "Store layout"). */
import * as path from 'node:path';
import type { StorePaths } from '../../storage/paths';

export const volumesDir = (p: StorePaths): string => path.join(p.root, 'volumes');
export const volumeDir = (p: StorePaths, name: string): string => path.join(volumesDir(p), name);
/** The directory containers see (docker's and podman's `_data`). */
export const volumeDataDir = (p: StorePaths, name: string): string => path.join(volumeDir(p, name), '_data');
export const volumeRecordPath = (p: StorePaths, name: string): string => path.join(volumeDir(p, name), 'volume.json');
