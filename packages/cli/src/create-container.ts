/** The part `run` and `create` share: validate every flag, get the image, write the record. */
import { planContainerConfig } from '@tsctr/engine/runtime/containers/create-plan';
import { resolveContainerImage } from '@tsctr/engine/runtime/containers/image-source';
import { createContainer, type ContainerRecord } from '@tsctr/engine/runtime/containers/store';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { createImageSource } from './image-port';
import { buildCreateRequest, parsePullPolicy, type RunCreateArgs } from './run-options';

export async function createFromArgs(paths: StorePaths, argv: RunCreateArgs): Promise<ContainerRecord> {
  // Every flag is checked before the image is looked up or pulled, and before anything is written.
  const request = buildCreateRequest(argv);
  const policy = parsePullPolicy(argv.pull);
  const image = await resolveContainerImage(createImageSource(paths, { quiet: argv.quiet === true }), argv.image, policy);
  return createContainer(paths, request.name, (identity) => planContainerConfig(identity, request, image, process.env));
}
