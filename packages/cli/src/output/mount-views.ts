/** Pure: podman's `inspect` Mounts array for a container's user mounts. */
import type { MountSpec } from '@tsctr/engine/runtime/mounts/mount-spec';
import { volumeDataDir } from '@tsctr/engine/runtime/volumes/volume-layout';
import type { StorePaths } from '@tsctr/engine/storage/paths';

/** The options podman lists per mount (its `Options` field). */
export function mountOptions(m: MountSpec): string[] {
  const flags = [
    ...(m.noexec !== undefined ? [m.noexec ? 'noexec' : 'exec'] : m.type === 'tmpfs' ? ['noexec'] : []),
    ...(m.nosuid !== undefined ? [m.nosuid ? 'nosuid' : 'suid'] : m.type === 'tmpfs' ? ['nosuid'] : []),
    ...(m.nodev !== undefined ? [m.nodev ? 'nodev' : 'dev'] : m.type === 'tmpfs' ? ['nodev'] : []),
  ];
  if (m.type === 'tmpfs') {
    const t = m.tmpfs ?? {};
    return [...flags, ...(t.size ? [`size=${t.size}`] : []), ...(t.mode !== undefined ? [`mode=${t.mode.toString(8)}`] : [])];
  }
  return [m.recursive ? 'rbind' : 'bind', ...flags, ...(m.chown ? ['U'] : []), ...(m.overlay ? ['O'] : []), ...(m.noCopy ? ['nocopy'] : [])];
}

export function inspectMounts(paths: StorePaths, mounts: readonly MountSpec[]): Record<string, unknown>[] {
  return mounts.map((m) => ({
    Type: m.type,
    ...(m.type === 'volume' ? { Name: m.source } : {}),
    Source: m.type === 'volume' ? volumeDataDir(paths, m.source) : m.source,
    Destination: m.destination,
    Driver: m.type === 'volume' ? 'local' : '',
    Mode: m.relabel ?? '',
    Options: mountOptions(m),
    RW: !m.readOnly,
    Propagation: m.type === 'tmpfs' ? '' : m.propagation,
  }));
}
