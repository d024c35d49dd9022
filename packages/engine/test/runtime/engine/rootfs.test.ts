import { MOUNT_DATA_LIMIT, fuseOverlayArgs, layerLowerDir, overlayMountData } from '../../../src/runtime/engine/rootfs';

describe('overlay mount data', () => {
  it('lists lowers top first with userxattr', () => {
    expect(overlayMountData({ lowers: ['l/B', 'l/A'], upper: 'containers/x/upper', work: 'containers/x/work' })).toBe('lowerdir=l/B:l/A,upperdir=containers/x/upper,workdir=containers/x/work,userxattr');
    expect(overlayMountData({ lowers: ['l/A'], upper: 'u', work: 'w' }, { volatile: true })).toBe('lowerdir=l/A,upperdir=u,workdir=w,userxattr,volatile');
  });
  it('refuses data that does not fit one page and names the fallback', () => {
    const lowers = Array.from({ length: 500 }, (_, i) => `l/${String(i).padStart(26, '0')}`);
    expect(() => overlayMountData({ lowers, upper: 'u', work: 'w' })).toThrow(new RegExp(`kernel takes ${MOUNT_DATA_LIMIT}.*fuse-overlayfs`));
  });
  it('fits 120 layers with short links', () => {
    const lowers = Array.from({ length: 120 }, (_, i) => `l/${String(i).padStart(26, 'A')}`);
    expect(() => overlayMountData({ lowers, upper: `containers/${'a'.repeat(64)}/upper`, work: `containers/${'a'.repeat(64)}/work` })).not.toThrow();
  });
  it('refuses separators in directory names', () => {
    expect(() => overlayMountData({ lowers: ['l/a:b'], upper: 'u', work: 'w' })).toThrow(/cannot express/);
  });
});

describe('layerLowerDir', () => {
  it('prefers the short link', () => {
    expect(layerLowerDir('sha256:abcd', 'XYZ')).toBe('l/XYZ');
  });
  it('falls back to the diff dir', () => {
    expect(layerLowerDir('sha256:abcd', undefined)).toBe('layers/abcd/diff');
  });
});

describe('fuseOverlayArgs', () => {
  it('passes the dirs as -o options and the mount point last', () => {
    expect(fuseOverlayArgs({ lowers: ['/r/l/B', '/r/l/A'], upper: '/r/u', work: '/r/w' }, '/r/m')).toEqual(['-o', 'lowerdir=/r/l/B:/r/l/A,upperdir=/r/u,workdir=/r/w', '/r/m']);
  });
});
