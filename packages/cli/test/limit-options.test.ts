import { cgroupSettingsFromArgs, limitsFromArgs } from '../src/limit-options';
import { cpuPercent, renderStatsTable, statsJson, type StatsSample } from '../src/output/stats-view';
import { limitsHostConfig } from '../src/output/limits-view';

describe('limit flags', () => {
  it('reads podman\'s flag names', () => {
    expect(limitsFromArgs({ memory: '32m', cpus: '0.5', 'pids-limit': '20', 'cpu-shares': '512' })).toEqual({ memory: 32 * 1024 * 1024, cpus: 0.5, pidsLimit: 20, cpuShares: 512 });
    expect(limitsFromArgs({})).toEqual({});
  });

  it('checks --cgroups and --cgroup-parent', () => {
    expect(cgroupSettingsFromArgs({})).toEqual({ mode: 'enabled' });
    expect(cgroupSettingsFromArgs({ 'cgroup-parent': '/user.slice/x/' })).toEqual({ mode: 'enabled', parent: '/user.slice/x' });
    expect(() => cgroupSettingsFromArgs({ cgroups: 'split' })).toThrow(/use enabled or disabled/);
    expect(() => cgroupSettingsFromArgs({ 'cgroup-parent': 'relative' })).toThrow(/absolute path/);
    expect(() => cgroupSettingsFromArgs({ 'cgroup-parent': '/a/../b' })).toThrow(/absolute path/);
    expect(() => cgroupSettingsFromArgs({ cgroups: 'disabled', 'cgroup-parent': '/a' })).toThrow(/needs a cgroup/);
  });

  it('shows limits in inspect\'s HostConfig with docker\'s names', () => {
    expect(limitsHostConfig({ resources: { memory: 1024, cpus: 0.5, pidsLimit: 20 } })).toMatchObject({ Memory: 1024, NanoCpus: 500_000_000, PidsLimit: 20, Cgroups: 'enabled' });
  });
});

describe('stats view', () => {
  const sample: StatsSample = {
    id: 'a'.repeat(64),
    name: 'st',
    cpuPercent: 50,
    usage: { cpuUsec: 1_000_000, memoryBytes: 1_000_000, memoryLimitBytes: 64 * 1024 * 1024, pids: 2, pidsLimit: 2048, blockRead: 0, blockWrite: 4096, netRx: 0, netTx: 0 },
  };

  it('computes CPU percent of one CPU', () => {
    expect(cpuPercent(500_000, 1000)).toBe(50);
    expect(cpuPercent(1, 0)).toBe(0);
  });

  it('prints podman\'s columns', () => {
    const table = renderStatsTable([sample]);
    expect(table.split('\n')[0]).toMatch(/^ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET IO +BLOCK IO +PIDS$/);
    expect(table).toContain('aaaaaaaaaaaa');
    expect(table).toContain('50.00%');
    expect(table).toContain('1 MB / 67.1 MB');
    expect(table).toContain('1.49%');
  });

  it('gives JSON with the raw numbers', () => {
    expect(statsJson(sample)).toMatchObject({ name: 'st', cpu_percent: '50.00%', mem_usage_bytes: 1_000_000, mem_limit_bytes: 64 * 1024 * 1024, pids_current: 2, pids_limit: 2048 });
  });
});
