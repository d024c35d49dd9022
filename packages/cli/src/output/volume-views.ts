/** Pure: what `volume ls` prints (podman's table and JSON). */
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { volumeInspectView, type VolumeRecord } from '@tsctr/engine/runtime/volumes/volume-record';
import { renderColumns } from './columns';

export function volumeLsTable(volumes: readonly VolumeRecord[]): string {
  return renderColumns([['DRIVER', 'VOLUME NAME'], ...volumes.map((v) => [v.driver, v.name])]);
}

export function volumeLsJson(paths: StorePaths, volumes: readonly VolumeRecord[]): Record<string, unknown>[] {
  return volumes.map((v) => volumeInspectView(paths, v));
}

/** KEY=VALUE labels of `volume create --label`. */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of values) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return labels;
}
