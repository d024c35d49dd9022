/**
 * The image a new container is made from, honouring --pull=missing|always|never. The image store
 * and the pull are reached through ImageSourcePort so this policy is testable without a registry.
 */
import { TsctrError } from '../../errors';
import { parseReference } from '../../image/reference';
import type { ImageRuntimeConfig, ResolvedImage } from './create-plan';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface LocalImage {
  readonly id: string;
  /** The name the input matched (or the image's first name when found by id). */
  readonly name: string;
  readonly layers: readonly string[];
}

export interface ImageSourcePort {
  /** The local image `input` names (name, short name, id, id prefix), or undefined. */
  findLocal(input: string): Promise<LocalImage | undefined>;
  /** Pulls `input`; resolves with the image id. */
  pull(input: string): Promise<string>;
  /** The runtime part (`config`) of the image's config blob. */
  readRuntimeConfig(imageId: string): Promise<ImageRuntimeConfig>;
}

const looksLikeId = (input: string): boolean => /^(sha256:)?[0-9a-f]{12,64}$/.test(input);

export async function resolveContainerImage(port: ImageSourcePort, input: string, policy: PullPolicy): Promise<ResolvedImage> {
  // A malformed reference fails here, before any lookup or network traffic.
  if (!looksLikeId(input)) parseReference(input);
  let local = policy === 'always' ? undefined : await port.findLocal(input);
  if (!local) {
    if (policy === 'never') {
      throw new TsctrError(`${input}: image not known: pull it first ("tsctr pull ${input}") or use --pull=missing`);
    }
    const id = await port.pull(input);
    local = (await port.findLocal(input)) ?? (await port.findLocal(id));
    if (!local) throw new TsctrError(`${input}: the image was pulled but is not in the store any more (removed meanwhile?): try again`);
  }
  return { id: local.id, name: local.name, layers: local.layers, config: await port.readRuntimeConfig(local.id) };
}
