/** The check every reader of an image's config blob makes (the blob itself is read by the caller). */
import { isImageConfig, type ImageConfig } from 'oci-spec-types';
import { TsctrError } from '../errors';

export function checkedImageConfig(image: { readonly id: string }, value: unknown): ImageConfig {
  if (!isImageConfig(value)) throw new TsctrError(`the config of image ${image.id.slice(0, 12)} in the store is damaged: remove the image and pull it again`);
  return value as ImageConfig;
}
