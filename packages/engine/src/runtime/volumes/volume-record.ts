/** The record of one named volume (`R/volumes/<name>/volume.json`) and its podman-shaped views. */
import type { StorePaths } from '../../storage/paths';
import { volumeDataDir } from './volume-layout';

export interface VolumeRecord {
  readonly name: string;
  readonly driver: 'local';
  /** ISO 8601. */
  readonly createdAt: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Created for one container by `-v /path`; removed with it by `rm -v` and `--rm`. */
  readonly anonymous: boolean;
  /** New and never mounted: the first mount copies the image's content at its path into it. */
  readonly needsCopyUp: boolean;
}

export function isVolumeRecord(value: unknown): value is VolumeRecord {
  const v = value as Partial<VolumeRecord> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.createdAt === 'string' && typeof v.needsCopyUp === 'boolean';
}

/** Pure: `volume inspect` JSON (podman's field names). */
export function volumeInspectView(p: StorePaths, v: VolumeRecord): Record<string, unknown> {
  return {
    Name: v.name,
    Driver: v.driver,
    Mountpoint: volumeDataDir(p, v.name),
    CreatedAt: v.createdAt,
    Labels: v.labels,
    Scope: 'local',
    Options: {},
    MountCount: 0,
    NeedsCopyUp: v.needsCopyUp,
    Anonymous: v.anonymous,
  };
}
