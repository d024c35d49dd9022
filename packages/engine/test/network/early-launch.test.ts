import { earlyNetworkLaunch, planEarlyLaunch, sameEarlyLaunch, type EarlyLaunchPlan } from '../../src/network/early-launch';
import type { CreateRequest } from '../../src/runtime/containers/create-plan';

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

describe('planEarlyLaunch and sameEarlyLaunch', () => {
  const paths = { root: '/r', runRoot: '/rr' };
  const mappings = {
    uidMap: [
      { containerId: 0, hostId: 1000, size: 1 },
      { containerId: 1, hostId: 100000, size: 65536 },
    ],
    gidMap: [
      { containerId: 0, hostId: 1000, size: 1 },
      { containerId: 1, hostId: 100000, size: 65536 },
    ],
  };
  const request = (extra: Partial<CreateRequest> = {}): CreateRequest =>
    ({ tty: false, network: { mode: 'none' }, userns: { mode: 'default', mappings }, cgroups: { mode: 'enabled' }, resources: {}, ...extra }) as unknown as CreateRequest;
  // What tsctr run's pre-launch plans from `run --network none busybox` (prelaunch.ts in the CLI).
  const prelaunched: EarlyLaunchPlan = { paths, mappings, kind: 'none', attachWait: true, tty: false };

  it('plans a plain run as the pre-launch does: the default cgroup settings and no limits leave nothing to compare', () => {
    expect(planEarlyLaunch(paths, request(), { attachWait: true })).toEqual(prelaunched);
    expect(sameEarlyLaunch(prelaunched, planEarlyLaunch(paths, request(), { attachWait: true }) as EarlyLaunchPlan)).toBe(true);
  });

  it('does not serve a run that asks for another launch', () => {
    const differs = (r: CreateRequest, attachWait = true, p = paths) => !sameEarlyLaunch(prelaunched, planEarlyLaunch(p, r, { attachWait }) as EarlyLaunchPlan);
    expect(differs(request(), false)).toBe(true);
    expect(differs(request({ tty: true }))).toBe(true);
    expect(differs(request({ network: { mode: 'host' } as CreateRequest['network'] }))).toBe(true);
    expect(differs(request(), true, { root: '/other', runRoot: '/rr' })).toBe(true);
    expect(differs(request({ userns: { mode: 'keep-id', mappings: { ...mappings, uidMap: [{ containerId: 0, hostId: 100000, size: 1000 }, { containerId: 1000, hostId: 1000, size: 1 }] } } }))).toBe(true);
    expect(differs(request({ resources: { memory: 64 * 1024 * 1024 } as CreateRequest['resources'] }))).toBe(true);
    expect(differs(request({ cgroups: { mode: 'disabled' } }))).toBe(true);
    expect(differs(request({ cgroups: { mode: 'enabled', parent: '/x' } }))).toBe(true);
  });

  it('has no plan for container: networking', () => {
    expect(planEarlyLaunch(paths, request({ network: { mode: 'container:abc' } as CreateRequest['network'] }), { attachWait: true })).toBeUndefined();
  });
});
