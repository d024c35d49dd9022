/** The part `run` and `create` share: validate every flag, get the image, write the record. */
import { planContainerConfig, type CreateRequest } from '@tsctr/engine/runtime/containers/create-plan';
import { resolveContainerImage, type PullPolicy } from '@tsctr/engine/runtime/containers/image-source';
import { createContainer, type ContainerRecord } from '@tsctr/engine/runtime/containers/store';
import { resolveNetworkForCreate } from '@tsctr/engine/network/create-network';
import { nameAnonymousVolumes } from '@tsctr/engine/runtime/mounts/plan-user-mounts';
import { ensureVolumes, newAnonymousVolumeName, removeUnusedVolumes } from '@tsctr/engine/runtime/volumes/volume-store';
import { withStoreLock } from '@tsctr/engine/storage/lock';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { createImageSource } from './image-port';
import { buildCreateRequest, parsePullPolicy, type RunCreateArgs } from './run-options';

export async function createFromArgs(paths: StorePaths, argv: RunCreateArgs): Promise<ContainerRecord> {
  return createFromRequest(paths, argv, checkCreateArgs(argv));
}

export interface CheckedCreate {
  readonly request: CreateRequest;
  readonly policy: PullPolicy;
}

/** Every flag is checked before the image is looked up or pulled, and before anything is written. */
export function checkCreateArgs(argv: RunCreateArgs): CheckedCreate {
  return { request: buildCreateRequest(argv), policy: parsePullPolicy(argv.pull) };
}

/** Gets the image and writes the record (with `presetId`: the id an early-launched engine has). */
export async function createFromRequest(paths: StorePaths, argv: RunCreateArgs, { request, policy }: CheckedCreate, presetId?: string): Promise<ContainerRecord> {
  const image = await resolveContainerImage(createImageSource(paths, { quiet: argv.quiet === true }), argv.image, policy);
  const network = await resolveNetworkForCreate(paths, request.network, { publishAll: argv['publish-all'] === true, exposedPorts: image.config.ExposedPorts });
  const mounts = nameAnonymousVolumes(request.mounts ?? [], newAnonymousVolumeName);
  // Volumes named by -v are created on first use, in the same lock as the record that uses them;
  // when the record cannot be written (a name in use, ...), the volumes made for it go again.
  return withStoreLock(paths, async () => {
    const createdVolumes = await ensureVolumes(paths, mounts);
    try {
      return await createContainer(paths, request.name, (identity) => planContainerConfig(identity, { ...request, mounts, network }, image, process.env), presetId);
    } catch (err) {
      await removeUnusedVolumes(paths, createdVolumes);
      throw err;
    }
  });
}
