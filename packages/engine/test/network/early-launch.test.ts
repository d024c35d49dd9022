import { earlyNetworkLaunch } from '../../src/network/early-launch';

describe('earlyNetworkLaunch', () => {
  it('gives the engine its namespaces for none and host, the helper path for slirp4netns and pasta', () => {
    expect(earlyNetworkLaunch('none')).toEqual({ unshare: ['mnt', 'net', 'uts', 'ipc'] });
    expect(earlyNetworkLaunch('host')).toEqual({ unshare: ['mnt', 'uts', 'ipc'] });
    expect(earlyNetworkLaunch('slirp4netns')).toBe('helper');
    expect(earlyNetworkLaunch('pasta')).toBe('helper');
  });

  it('leaves container: (the other engine must be read first) to the usual launch', () => {
    expect(earlyNetworkLaunch('container')).toBeUndefined();
  });
});
