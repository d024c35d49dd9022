/**
 * Pure: which stored image a user's word names, like podman: a full name (`:latest` implied), a
 * short name matching a stored name's last path components (`alpine` -> docker.io/library/alpine:latest,
 * `mine:v1` -> localhost/mine:v1), then an id or a unique id prefix (`sha256:` optional).
 */
import { TsctrError } from '../errors';
import { formatReference, isShortName, parseReference, withDefaultTag } from './reference';

export interface NamedImage {
  readonly id: string;
  readonly names: readonly string[];
}

export function imageNotKnown(input: string): TsctrError {
  return new TsctrError(`${input}: image not known: "tsctr images" lists the images in the store`);
}

/** The stored name `input` stands for, when it can be a name at all. */
function nameMatches<T extends NamedImage>(images: readonly T[], input: string): { image: T; name: string }[] {
  let ref;
  try {
    ref = withDefaultTag(parseReference(input));
  } catch {
    return [];
  }
  const wanted = formatReference(ref);
  const exact = images.flatMap((image) => image.names.filter((n) => n === wanted).map((name) => ({ image, name })));
  if (exact.length > 0 || !isShortName(ref)) return exact;
  return images.flatMap((image) => image.names.filter((n) => n.endsWith(`/${wanted}`)).map((name) => ({ image, name })));
}

export interface ImageMatch<T> {
  readonly image: T;
  /** The stored name matched; undefined when matched by id. */
  readonly name?: string;
}

/** Finds the image `input` names, or undefined. Ambiguous inputs are a TsctrError listing the choices. */
export function matchImage<T extends NamedImage>(images: readonly T[], input: string): ImageMatch<T> | undefined {
  const byName = nameMatches(images, input);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new TsctrError(`${input} is ambiguous: it matches ${byName.map((m) => m.name).join(', ')}; use the full name`);
  }
  const hex = /^(?:sha256:)?([0-9a-f]{3,64})$/.exec(input)?.[1];
  if (hex === undefined) return undefined;
  const byId = images.filter((image) => image.id.startsWith(hex));
  if (byId.length > 1) throw new TsctrError(`${input} is ambiguous: it is a prefix of the ids ${byId.map((i) => i.id.slice(0, 12)).join(', ')}; give more digits`);
  return byId.length === 1 ? { image: byId[0] } : undefined;
}

export function requireImage<T extends NamedImage>(images: readonly T[], input: string): ImageMatch<T> {
  const match = matchImage(images, input);
  if (!match) throw imageNotKnown(input);
  return match;
}
