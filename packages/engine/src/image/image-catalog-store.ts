/** ImageIndexPort over the storage modules (storage/images, storage/layers) and the container records. */
import { TsctrError } from '../errors';
import type { StorePaths } from '../storage/paths';
import type { ImageIndexPort } from './image-catalog';

export async function openImageIndex(_paths: StorePaths): Promise<ImageIndexPort> {
  throw new TsctrError('image index not wired yet');
}
