/**
 * Pure: every path of one container, in the data root (record, overlay dirs, logs) and in the run
 * root (control socket). See docs/architecture.md, "Store layout".
 */
import * as path from 'node:path';
import type { StorePaths } from '../../storage/paths';
import { containersDir } from '../../storage/layout';

export const containerDir = (p: StorePaths, id: string): string => path.join(containersDir(p), id);
export const containerConfigPath = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'config.json');
export const containerStatePath = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'state.json');
export const containerUpperDir = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'upper');
export const containerWorkDir = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'work');
export const containerMergedDir = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'merged');
export const containerUserdataDir = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'userdata');
/** podman's k8s-file log: `<RFC3339Nano> stdout|stderr F|P <text>` per line. */
export const containerLogPath = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'ctr.log');
/** The engine's own stdout/stderr (diagnostics, never payload output). */
export const engineLogPath = (p: StorePaths, id: string): string => path.join(containerDir(p, id), 'engine.log');

export const containerRunDir = (p: StorePaths, id: string): string => path.join(p.runRoot, 'containers', id);
export const controlSocketPath = (p: StorePaths, id: string): string => path.join(containerRunDir(p, id), 'ctl.sock');
