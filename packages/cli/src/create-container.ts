/** The part `run` and `create` share: validate every flag, get the image, write the record. */
import { planContainerConfig } from '@tsctr/engine/runtime/containers/create-plan';
import { resolveContainerImage } from '@tsctr/engine/runtime/containers/image-source';
import { createContainer, type ContainerRecord } from '@tsctr/engine/runtime/containers/store';
import { resolveNetworkForCreate } from '@tsctr/engine/network/create-network';
import { nameAnonymousVolumes } from '@tsctr/engine/runtime/mounts/plan-user-mounts';
import { ensureVolumes, newAnonymousVolumeName, removeUnusedVolumes } from '@tsctr/engine/runtime/volumes/volume-store';
import { withStoreLock } from '@tsctr/engine/storage/lock';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { createImageSource } from './image-port';
import { buildCreateRequest, parsePullPolicy, type RunCreateArgs } from './run-options';

export async function createFromArgs(paths: StorePaths, argv: RunCreateArgs): Promise<ContainerRecord> {
  // Every flag is checked before the image is looked up or pulled, and before anything is written.
  const request = buildCreateRequest(argv);
  const policy = parsePullPolicy(argv.pull);
  const image = await resolveContainerImage(createImageSource(paths, { quiet: argv.quiet === true }), argv.image, policy);
  const network = await resolveNetworkForCreate(paths, request.network, { publishAll: argv['publish-all'] === true, exposedPorts: image.config.ExposedPorts });
  const mounts = nameAnonymousVolumes(request.mounts ?? [], newAnonymousVolumeName);
  // Volumes named by -v are created on first use, in the same lock as the record that uses them;
  // when the record cannot be written (a name in use, ...), the volumes made for it go again.
  return withStoreLock(paths, async () => {
    const createdVolumes = await ensureVolumes(paths, mounts);
    try {
      return await createContainer(paths, request.name, (identity) => planContainerConfig(identity, { ...request, mounts, network }, image, process.env));
    } catch (err) {
      await removeUnusedVolumes(paths, createdVolumes);
      throw err;
    }
  });
}
