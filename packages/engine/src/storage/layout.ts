/**
 * Pure: every path inside the data root, in one place (see docs/architecture.md, "Store layout").
 * `StorePaths` comes from resolveStorePaths() in ./paths.
 */
import * as path from 'node:path';
import type { StorePaths } from './paths';

export const storeLockPath = (p: StorePaths): string => path.join(p.root, 'store.lock');
export const tmpDir = (p: StorePaths): string => path.join(p.root, 'tmp');
export const blobsDir = (p: StorePaths): string => path.join(p.root, 'blobs', 'sha256');
export const layersDir = (p: StorePaths): string => path.join(p.root, 'layers');
export const shortLinksDir = (p: StorePaths): string => path.join(p.root, 'l');
export const imagesIndexPath = (p: StorePaths): string => path.join(p.root, 'images.json');
export const containersDir = (p: StorePaths): string => path.join(p.root, 'containers');
