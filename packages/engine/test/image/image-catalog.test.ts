import { matchImage, requireImage } from '../../src/image/image-match';
import { planImageRemoval } from '../../src/image/image-removal-plan';
import { qualifyTagTarget } from '../../src/image/image-catalog';
import { choosePlatformManifest, wantedPlatform } from '../../src/image/pull-platform';
import { TsctrError } from '../../src/errors';

const hex = (c: string): string => c.repeat(64);
const busybox = { id: hex('a'), names: ['localhost:5000/busybox:latest', 'localhost/mine:v1'] };
const alpine = { id: hex('b'), names: ['docker.io/library/alpine:latest'] };
const untagged = { id: `ab${hex('c').slice(2)}`, names: [] as string[] };
const images = [busybox, alpine, untagged];

describe('matchImage', () => {
  it('finds full names, with :latest implied', () => {
    expect(matchImage(images, 'localhost:5000/busybox')).toEqual({ image: busybox, name: 'localhost:5000/busybox:latest' });
  });
  it('matches short names against the end of stored names', () => {
    expect(matchImage(images, 'alpine')?.image).toBe(alpine);
    expect(matchImage(images, 'mine:v1')).toEqual({ image: busybox, name: 'localhost/mine:v1' });
    expect(matchImage(images, 'busybox:other')).toBeUndefined();
  });
  it('matches ids and unique id prefixes, with or without sha256:', () => {
    expect(matchImage(images, hex('b'))?.image).toBe(alpine);
    expect(matchImage(images, `sha256:${hex('b').slice(0, 12)}`)?.image).toBe(alpine);
    expect(matchImage(images, 'aaa')?.image).toBe(busybox);
  });
  it('refuses ambiguous prefixes and says what is unknown', () => {
    expect(() => matchImage(images, 'a')).not.toThrow(); // too short to be an id: not found
    expect(() => matchImage(images, 'ab')).not.toThrow();
    expect(() => matchImage([busybox, { id: `aaa${hex('d').slice(3)}`, names: [] }], 'aaa')).toThrow(/ambiguous/);
    expect(() => requireImage(images, 'nope:latest')).toThrow('nope:latest: image not known');
  });
});

describe('planImageRemoval', () => {
  const none: never[] = [];
  it('untags by name and deletes with the last name', () => {
    expect(planImageRemoval(images, none, ['localhost/mine:v1'], { force: false, all: false })).toEqual([{ imageId: busybox.id, untag: ['localhost/mine:v1'], delete: false }]);
    expect(planImageRemoval(images, none, ['localhost/mine:v1', 'localhost:5000/busybox'], { force: false, all: false })).toEqual([
      { imageId: busybox.id, untag: ['localhost/mine:v1'], delete: false },
      { imageId: busybox.id, untag: ['localhost:5000/busybox:latest'], delete: true },
    ]);
  });
  it('refuses an id with several names unless -f', () => {
    expect(() => planImageRemoval(images, none, [busybox.id.slice(0, 12)], { force: false, all: false })).toThrow(/more than one name/);
    expect(planImageRemoval(images, none, [busybox.id.slice(0, 12)], { force: true, all: false })).toEqual([{ imageId: busybox.id, untag: busybox.names, delete: true }]);
  });
  it('refuses an image in use, naming the container, unless -f', () => {
    const used = [{ id: hex('e'), name: 'web', imageId: alpine.id }];
    expect(() => planImageRemoval(images, used, ['alpine'], { force: false, all: false })).toThrow(/in use by container web \(eeeeeeeeeeee\)/);
    expect(planImageRemoval(images, used, ['alpine'], { force: true, all: false })).toEqual([{ imageId: alpine.id, untag: alpine.names, delete: true }]);
    // Untagging one of several names does not touch the container's image.
    const onBusybox = [{ id: hex('e'), name: 'web', imageId: busybox.id }];
    expect(planImageRemoval(images, onBusybox, ['localhost/mine:v1'], { force: false, all: false })).toHaveLength(1);
  });
  it('-a deletes everything once, unknown names fail before anything happens', () => {
    expect(planImageRemoval(images, none, [], { force: false, all: true }).map((s) => s.imageId)).toEqual(images.map((i) => i.id));
    expect(() => planImageRemoval(images, none, ['alpine', 'nope'], { force: false, all: false })).toThrow(TsctrError);
  });
});

describe('tag targets', () => {
  it('qualifies tag targets like podman', () => {
    expect(qualifyTagTarget('mine')).toBe('localhost/mine:latest');
    expect(qualifyTagTarget('localhost:5000/a/b:v2')).toBe('localhost:5000/a/b:v2');
    expect(() => qualifyTagTarget('Bad Name')).toThrow(TsctrError);
  });
});

describe('platforms', () => {
  const entry = (architecture: string, variant?: string) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${hex(architecture === 'amd64' ? '1' : variant === 'v8' ? '3' : '2')}`,
    size: 1,
    platform: { os: 'linux', architecture, ...(variant && { variant }) },
  });
  it('parses --platform and --arch, defaulting to the host', () => {
    expect(wantedPlatform({}, 'x64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(wantedPlatform({ platform: 'linux/arm64' })).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(wantedPlatform({ platform: 'linux/arm/v7' })).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(wantedPlatform({ arch: 'aarch64' })).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(() => wantedPlatform({ platform: 'arm64' })).toThrow(/expected os\/arch/);
  });
  it('chooses the matching entry and lists the offered platforms otherwise', () => {
    const index = [entry('amd64'), entry('arm64', 'v8')];
    expect(choosePlatformManifest(index, { os: 'linux', architecture: 'arm64' }, 'r')).toBe(index[1]);
    expect(choosePlatformManifest(index, { os: 'linux', architecture: 'amd64' }, 'r')).toBe(index[0]);
    expect(() => choosePlatformManifest(index, { os: 'linux', architecture: 's390x' }, 'r:1')).toThrow(
      'r:1 has no image for linux/s390x; it offers linux/amd64, linux/arm64/v8: choose one with --platform os/arch[/variant]',
    );
  });
});
