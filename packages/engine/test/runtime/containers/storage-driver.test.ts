import { checkStorageDriver, driverFromConfigText, resolveStorageDriver, storageConfigPath } from '../../../src/runtime/containers/storage-driver';

describe('storage driver choice', () => {
  it('the flag wins and is validated', () => {
    expect(resolveStorageDriver('fuse-overlayfs', { HOME: '/nonexistent' })).toBe('fuse-overlayfs');
    expect(() => checkStorageDriver('vfs', '--storage-driver')).toThrow(/unknown storage driver "vfs" \(--storage-driver\): use overlay or fuse-overlayfs/);
  });
  it('reads [storage] driver from tsctr\'s storage.conf', () => {
    expect(driverFromConfigText('[storage]\ndriver = "fuse-overlayfs"\n', 'f')).toBe('fuse-overlayfs');
    expect(driverFromConfigText('[storage]\n', 'f')).toBeUndefined();
    expect(() => driverFromConfigText('[storage\n', 'f')).toThrow(/not valid TOML/);
  });
  it('defaults to overlay without a config file', () => {
    expect(resolveStorageDriver(undefined, { HOME: '/nonexistent' })).toBe('overlay');
    expect(storageConfigPath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/tsctr/storage.conf');
  });
});
