/**
 * Pure: what `rmi` does, podman's rules. Removing by name drops that name and deletes the image
 * with its last name; removing by id (or -a) deletes the image, which for an id with several names
 * needs -f. An image a container uses is refused (naming the containers) unless -f.
 */
import { TsctrError } from '../errors';
import { requireImage, type NamedImage } from './image-match';

export interface ContainerUsingImage {
  readonly id: string;
  readonly name: string;
  readonly imageId: string;
}

export interface RemovalStep {
  readonly imageId: string;
  /** Names to untag, in order. */
  readonly untag: readonly string[];
  /** True when the image goes (its layers may then be freed). */
  readonly delete: boolean;
}

export function planImageRemoval(
  images: readonly NamedImage[],
  containers: readonly ContainerUsingImage[],
  inputs: readonly string[],
  opts: { force: boolean; all: boolean },
): RemovalStep[] {
  const remaining = new Map(images.map((i) => [i.id, [...i.names]]));
  const steps: RemovalStep[] = [];
  const targets = opts.all ? images.map((i) => ({ input: i.id, image: i, name: undefined as string | undefined })) : inputs.map((input) => ({ input, ...requireImage(images, input) }));
  for (const { input, image, name } of targets) {
    const names = remaining.get(image.id);
    if (names === undefined) continue; // already deleted by an earlier argument
    const users = containers.filter((c) => c.imageId === image.id);
    const deletes = name === undefined || names.length === 1;
    if (deletes && users.length > 0 && !opts.force) {
      throw new TsctrError(
        `image ${input} is in use by container${users.length > 1 ? 's' : ''} ${users.map((c) => `${c.name} (${c.id.slice(0, 12)})`).join(', ')}: remove ${users.length > 1 ? 'them' : 'it'} first ("tsctr rm"), or use rmi -f`,
      );
    }
    if (name === undefined && names.length > 1 && !opts.force && !opts.all) {
      throw new TsctrError(`unable to delete image ${input} by id: it has more than one name (${names.join(', ')}); remove the names one by one or use -f`);
    }
    if (deletes) {
      steps.push({ imageId: image.id, untag: names, delete: true });
      remaining.delete(image.id);
    } else {
      steps.push({ imageId: image.id, untag: [name as string], delete: false });
      remaining.set(image.id, names.filter((n) => n !== name));
    }
  }
  return steps;
}
