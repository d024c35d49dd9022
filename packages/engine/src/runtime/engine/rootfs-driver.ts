/**
 * Which overlay driver presents a container's root filesystem, decided inside the container's
 * user namespace (the engine, or a worker for a stopped container). The kernel's overlayfs cannot
 * present other owners than the disk's in a rootless user namespace, so a container whose mapping
 * differs from the store's runs on fuse-overlayfs with uidmapping/gidmapping (podman's approach).
 */
import type { StorePaths } from '../../storage/paths';
import type { ContainerConfig, StorageDriver } from '../container-types';
import { fuseIdMapping, storageMappings } from './id-shift';
import type { FuseIdShift } from './rootfs';
import type { FileOwner } from './state-file';

export interface RootfsDriverChoice {
  readonly driver: StorageDriver;
  readonly idShift?: FuseIdShift;
  readonly upperOwner?: FileOwner;
  /** Set when the configured kernel overlay had to give way to fuse-overlayfs. */
  readonly switchedToFuse?: boolean;
}

/** `owner`: the user's own id as seen in the namespace (it owns the container's "/"). */
export function chooseRootfsDriver(paths: StorePaths, config: ContainerConfig, owner: FileOwner): RootfsDriverChoice {
  const { userns } = config;
  const storage = userns.mode === 'default' ? undefined : storageMappings(paths.root, userns);
  const same = !storage || (JSON.stringify(storage.uidMap) === JSON.stringify(userns.uidMap) && JSON.stringify(storage.gidMap) === JSON.stringify(userns.gidMap));
  if (same) return { driver: config.storageDriver };
  return {
    driver: 'fuse-overlayfs',
    upperOwner: owner,
    idShift: { uidMapping: fuseIdMapping(storage.uidMap, userns.uidMap), gidMapping: fuseIdMapping(storage.gidMap, userns.gidMap) },
    switchedToFuse: config.storageDriver === 'overlay',
  };
}
