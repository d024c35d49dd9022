/**
 * Resource limits on this host, which has no cgroup v2 delegation (hybrid layout): a limit fails
 * with exit 125 and says what is missing and how to get it; runs without limits work; info says
 * limits are unavailable. Where limits really work is e2e/vm/cgroups-vm.e2e.test.ts.
 */
import * as fs from 'node:fs';
import { FIXTURES, makeTestStore, runTsctr, type TestStore } from './lib';

jest.setTimeout(120_000);

let store: TestStore;
const tsctr = (args: readonly string[]) => runTsctr(args, { store });
const hostDelegates = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') && !fs.existsSync('/sys/fs/cgroup/unified');

beforeAll(async () => {
  store = makeTestStore();
  expect((await tsctr(['pull', '-q', FIXTURES.busybox])).exitCode).toBe(0);
});
afterAll(async () => store.cleanup());

// These assertions describe a host without delegation; on a unified-hierarchy host the VM suite's checks apply instead.
const onHybridHost = hostDelegates ? it.skip : it;

onHybridHost('--memory 32m fails with 125, naming what is missing and how to get it; nothing is left behind', async () => {
  const r = await tsctr(['run', '--rm', '--network', 'none', '--memory', '32m', FIXTURES.busybox, 'true']);
  expect(r.exitCode).toBe(125);
  expect(r.stderr).toMatch(/cannot apply --memory: .*cgroup/);
  expect(r.stderr).toMatch(/systemd\.unified_cgroup_hierarchy=1/);
  expect(r.stderr).toMatch(/Delegate=/);
  expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
});

onHybridHost('every limit flag is refused the same way, never ignored', async () => {
  for (const flags of [['--cpus', '0.5'], ['--pids-limit', '20'], ['--memory-reservation', '16m'], ['--cpu-shares', '512'], ['--cpuset-cpus', '0'], ['--blkio-weight', '500']]) {
    const r = await tsctr(['create', '--network', 'none', ...flags, FIXTURES.busybox, 'true']);
    expect({ flags, exitCode: r.exitCode }).toEqual({ flags, exitCode: 125 });
    expect(r.stderr).toContain(`cannot apply ${flags[0]}`);
  }
});

it('a run without limits is unaffected', async () => {
  const r = await tsctr(['run', '--rm', '--network', 'none', FIXTURES.busybox, 'echo', 'plain']);
  expect(r).toMatchObject({ exitCode: 0, stdout: 'plain\n' });
});

onHybridHost('a container without a cgroup of its own keeps the read-only sysfs view of /sys/fs/cgroup (no cgroup2 mount)', async () => {
  const r = await tsctr(['run', '--rm', '--network', 'none', FIXTURES.busybox, 'sh', '-c', 'grep -c " /sys/fs/cgroup cgroup2 " /proc/mounts; grep " /sys " /proc/mounts | cut -d" " -f3,4 | cut -d, -f1']);
  expect(r).toMatchObject({ exitCode: 0, stdout: '0\nsysfs ro\n' });
});

onHybridHost('info says limits are unavailable and why', async () => {
  const r = await tsctr(['info', '--format', 'json']);
  expect(r.exitCode).toBe(0);
  const host = (JSON.parse(r.stdout) as { host: { cgroupLimits: string; cgroupControllers: string[] } }).host;
  expect(host.cgroupLimits).toMatch(/^limits unavailable: .*hybrid/);
  expect(host.cgroupControllers).toEqual([]);
});

it('bad limit values and --cgroups=disabled with a limit are refused with 125', async () => {
  const bad = await tsctr(['run', '--rm', '--memory', 'lots', FIXTURES.busybox, 'true']);
  expect(bad.exitCode).toBe(125);
  expect(bad.stderr).toMatch(/invalid --memory "lots"/);
  const disabled = await tsctr(['run', '--rm', '--cgroups=disabled', '--pids-limit', '5', FIXTURES.busybox, 'true']);
  expect(disabled.exitCode).toBe(125);
  expect(disabled.stderr).toMatch(/--cgroups=disabled/);
});

it('stats refuses a container without a cgroup; update needs a limit', async () => {
  const id = (await tsctr(['run', '-d', '--network', 'none', FIXTURES.busybox, 'sleep', '60'])).stdout.trim();
  try {
    const stats = await tsctr(['stats', '--no-stream', id]);
    expect(stats.exitCode).toBe(125);
    expect(stats.stderr).toMatch(/no cgroup of its own/);
    const update = await tsctr(['update', id]);
    expect(update.exitCode).toBe(125);
    expect(update.stderr).toMatch(/nothing to update/);
  } finally {
    await tsctr(['rm', '-f', id]);
  }
});
