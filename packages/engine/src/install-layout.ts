/**
 * Where tsctr's own files are at run time, for both ways of running it:
 * - tsc's output (packages/engine/dist/..., what unit tests and `npx tsc -b` give), and
 * - the esbuild bundles in packages/cli/dist-bundle/ (what `npm run build` adds and the installed
 *   `tsctr` runs: one file per entry point, see packages/cli/scripts/bundle.js).
 * This module sits two levels below packages/ in all three places (src/, dist/, dist-bundle/), so
 * `packagesDir` is the same expression everywhere.
 */
import * as path from 'node:path';

// Replaced by `true` in the bundles (esbuild define); an undeclared global, hence typeof, elsewhere.
declare const TSCTR_BUNDLE: boolean | undefined;

/** True when this code runs from a bundle in packages/cli/dist-bundle/. */
export const bundled: boolean = typeof TSCTR_BUNDLE !== 'undefined' && TSCTR_BUNDLE === true;

/** The directory that holds cli/, engine/ and oci-spec-types/. */
export const packagesDir = path.resolve(__dirname, '..', '..');

/** The Node programs tsctr starts with `node FILE` (each is its own bundle). */
export const ENTRY_POINTS = {
  'engine-main': 'runtime/engine/engine-main.js',
  'monitor-main': 'runtime/engine/monitor-main.js',
  'extract-worker': 'storage/extract-worker.js',
  'diff-worker': 'runtime/inspect/diff-worker.js',
  'copy-worker': 'runtime/copy/copy-worker.js',
} as const;

export type EntryPointName = keyof typeof ENTRY_POINTS;

/** The file to run for an entry point: the bundle next to this code, or the compiled module in engine/dist. */
export function entryPointPath(name: EntryPointName): string {
  if (bundled) return path.join(__dirname, `${name}.js`);
  return path.join(packagesDir, 'engine', 'dist', ENTRY_POINTS[name]);
}

/** packages/engine/native/build/tsctr-shim. */
export function shimBinaryFile(): string {
  return path.join(packagesDir, 'engine', 'native', 'build', 'tsctr-shim');
}

/** packages/cli/package.json (the version tsctr reports). */
export function cliPackageJsonFile(): string {
  return path.join(packagesDir, 'cli', 'package.json');
}
