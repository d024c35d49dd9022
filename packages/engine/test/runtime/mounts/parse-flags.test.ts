import { TsctrError } from '@tsctr/engine/errors';
import { parseVolumeFlag } from '@tsctr/engine/runtime/mounts/parse-volume-flag';
import { parseMountFlag } from '@tsctr/engine/runtime/mounts/parse-mount-flag';
import { parseTmpfsFlag } from '@tsctr/engine/runtime/mounts/parse-tmpfs-flag';

describe('-v / --volume', () => {
  it('an absolute host path is a recursive private bind, read-write', () => {
    expect(parseVolumeFlag('/home/u/src:/src')).toMatchObject({ type: 'bind', source: '/home/u/src', destination: '/src', readOnly: false, recursive: true, propagation: 'rprivate', chown: false, overlay: false });
  });

  it('a name is a named volume; no source is an anonymous volume', () => {
    expect(parseVolumeFlag('cache:/var/cache')).toMatchObject({ type: 'volume', source: 'cache', destination: '/var/cache', anonymous: false });
    expect(parseVolumeFlag('/data')).toMatchObject({ type: 'volume', source: '', destination: '/data', anonymous: true });
    expect(parseVolumeFlag('/data:ro')).toMatchObject({ type: 'volume', anonymous: true, readOnly: true });
  });

  it('options: ro, z/Z, U, O, flags, propagation, nocopy, bind', () => {
    expect(parseVolumeFlag('/a:/b:ro,Z,U,noexec,nosuid,nodev,rslave,bind')).toMatchObject({ readOnly: true, relabel: 'Z', chown: true, noexec: true, nosuid: true, nodev: true, propagation: 'rslave', recursive: false });
    expect(parseVolumeFlag('/a:/b:O')).toMatchObject({ overlay: true });
    expect(parseVolumeFlag('v:/b:nocopy')).toMatchObject({ noCopy: true });
  });

  it('normalizes the destination', () => {
    expect(parseVolumeFlag('/a/:/b//c/').destination).toBe('/b/c');
    expect(parseVolumeFlag('/a/:/b//c/').source).toBe('/a');
  });

  it.each([
    ['./src:/src', /relative host path "\.\/src".*absolute/],
    ['src/x:/src', /relative host path "src\/x"/],
    ['~/x:/x', /relative host path/],
    ['/a:/b:bogus', /unknown option "bogus"/],
    ['/a:relative', /invalid container path "relative".*absolute/],
    ['/a:/', /cannot mount over the container's root/],
    ['/a:/b:ro,rw', /conflicting options "ro" and "rw"/],
    ['/a:/b:rshared', /not supported.*propagate back to the host/],
    ['v:/b:O', /needs a host directory/],
    ['/a:/b:O,ro', /cannot be combined/],
    ['/a:/b:nocopy', /only applies to named volumes/],
    ['-bad:/b', /invalid volume name "-bad"/],
    ['a:b:c:d', /expected \[SOURCE:\]CONTAINER-PATH/],
  ])('%s is refused', (value, message) => {
    expect(() => parseVolumeFlag(value)).toThrow(TsctrError);
    expect(() => parseVolumeFlag(value)).toThrow(message);
  });
});

describe('--mount', () => {
  it('type=bind with source/target aliases and readonly', () => {
    expect(parseMountFlag('type=bind,src=/h,dst=/c,readonly')).toMatchObject({ type: 'bind', source: '/h', destination: '/c', readOnly: true });
    expect(parseMountFlag('type=bind,source=/h,target=/c,ro=false,bind-propagation=slave,bind-nonrecursive')).toMatchObject({ readOnly: false, propagation: 'slave', recursive: false });
  });

  it('type=volume (the default type), named or anonymous, volume-nocopy', () => {
    expect(parseMountFlag('source=v,destination=/d,volume-nocopy')).toMatchObject({ type: 'volume', source: 'v', destination: '/d', noCopy: true });
    expect(parseMountFlag('type=volume,dst=/d')).toMatchObject({ type: 'volume', anonymous: true });
  });

  it('type=tmpfs with size and mode', () => {
    expect(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=0700')).toMatchObject({ type: 'tmpfs', source: 'tmpfs', destination: '/t', tmpfs: { size: '1m', mode: 0o700 } });
  });

  it.each([
    ['type=nfs,dst=/x', /invalid mount type "nfs"/],
    ['type=bind,dst=/x', /missing source/],
    ['type=bind,src=/x', /missing destination/],
    ['type=bind,src=rel,dst=/x', /relative host path "rel"/],
    ['type=tmpfs,src=/x,dst=/y', /does not apply to a tmpfs mount/],
    ['type=bind,src=/a,dst=/b,tmpfs-size=1m', /does not apply to a bind mount/],
    ['type=bind,src=/a,dst=/b,frob=1', /unknown field "frob"/],
    ['type=tmpfs,dst=/t,tmpfs-size=lots', /invalid tmpfs size "lots"/],
    ['type=bind,src=/a,dst=/b,readonly=maybe', /use true or false/],
  ])('%s is refused', (value, message) => {
    expect(() => parseMountFlag(value)).toThrow(message);
  });
});

describe('--tmpfs', () => {
  it('path alone, or with options', () => {
    expect(parseTmpfsFlag('/scratch')).toMatchObject({ type: 'tmpfs', destination: '/scratch' });
    expect(parseTmpfsFlag('/scratch:size=1m,mode=1777,uid=1000,gid=1000,exec,ro')).toMatchObject({ readOnly: true, noexec: false, tmpfs: { size: '1m', mode: 0o1777, uid: 1000, gid: 1000 } });
  });

  it.each([
    ['scratch', /must be absolute/],
    ['/s:size=', /invalid tmpfs size ""/],
    ['/s:size=0', /invalid tmpfs size "0"/],
    ['/s:mode=999', /invalid tmpfs mode "999"/],
    ['/s:bogus', /unknown option "bogus"/],
  ])('%s is refused', (value, message) => {
    expect(() => parseTmpfsFlag(value)).toThrow(message);
  });
});
