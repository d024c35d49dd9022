/**
 * Resource limits where they are real: a qemu guest (Debian's kernel, the host's filesystem as
 * root, cgroup v2 with a subtree delegated to the test user like systemd's user@.service) runs
 * guest/limits.sh as the unprivileged user; this file asserts on what it reports. One boot for
 * the whole file: TCG emulation makes Node ~40x slower, so the in-guest suite is small.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, TEST_USER, makeTestStore, runTsctr, userInfo, type TestStore } from '../lib';
import { bootGuest, makeStoreDisk, parseGuestResults, vmPrerequisiteProblem, type GuestRun } from './vm-guest';

const GUEST_TIMEOUT_MS = 10 * 60_000;
jest.setTimeout(GUEST_TIMEOUT_MS + 60_000);

const MiB = 1024 * 1024;
let store: TestStore;
let workDir: string;
let guest: GuestRun;
let results: Map<string, Record<string, string>>;

/** The guest's report for one test, with the guest's own output attached when it is missing. */
function result(name: string): Record<string, string> {
  const fields = results.get(name);
  if (!fields) throw new Error(`the guest reported no "${name}" result${guest.timedOut ? ' (it timed out)' : ''}:\n${guest.results}\n--- console (tail) ---\n${guest.console.split('\n').slice(-30).join('\n')}`);
  return fields;
}

const problem = vmPrerequisiteProblem();
if (problem?.skip) process.stdout.write(`VM suite skipped: ${problem.reason}\n`);
const suite = problem?.skip ? describe.skip : describe;

suite('cgroup v2 limits in a qemu guest', () => {
  beforeAll(async () => {
    if (problem) throw new Error(problem.reason);
    store = makeTestStore();
    // The guest cannot reach the host's registry: the image is pulled here and its store travels on a disk.
    const pulled = await runTsctr(['pull', '-q', FIXTURES.busybox], { store });
    expect(pulled.exitCode).toBe(0);
    // Not under /tmp: the guest mounts a tmpfs of its own there.
    workDir = fs.mkdtempSync('/var/tmp/tsctr-vm-');
    const disk = path.join(workDir, 'store.img');
    await makeStoreDisk(store.root, disk, userInfo(TEST_USER));
    guest = await bootGuest(workDir, { TEST_USER, STORE_ROOT: store.root, IMAGE: FIXTURES.busybox }, disk, GUEST_TIMEOUT_MS);
    results = parseGuestResults(guest.results);
    process.stdout.write(`VM suite: guest ran ${(guest.wallMs / 1000).toFixed(0)} s\n${guest.results}`);
  }, GUEST_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await store?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('the guest booted with cgroup v2 controllers delegated and finished its suite', () => {
    expect(guest.results).toMatch(/^BOOTED controllers=\S*memory\S*/m);
    expect(result('info').limits).toMatch(/^available_\(.*memory.*pids.*\)$/);
    expect(guest.results).toMatch(/^END status=0$/m);
  });

  it('--memory 32m with 64 MB allocated: OOM kill, exit 137, OOMKilled true', () => {
    expect(result('oom')).toEqual({ exit: '137', oomkilled: 'true' });
  });

  it('--memory 64m with 32 MB allocated: exit 0', () => {
    expect(result('fits')).toEqual({ exit: '0' });
  });

  it('--pids-limit 20: forks fail inside, the loop ends, the host forks, stop works', () => {
    const pids = result('pids');
    expect(pids.max).toBe('20');
    expect(Number(pids.current)).toBeLessThanOrEqual(20);
    expect(Number(pids.forkfailed)).toBeGreaterThan(0);
    expect(pids.loopended).toBe('1');
    expect(pids.hostfork).toBe('ok');
    expect(result('pids_stop')).toEqual({ exit: '0', status: 'exited' });
  });

  it('--cpus 0.5: cpu.max set, a busy loop gets about half a CPU and is throttled', () => {
    const cpu = result('cpu');
    expect(cpu.max).toBe('50000_100000');
    const share = Number(cpu.usage_us) / Number(cpu.wall_us);
    // Tolerant band: emulation jitters, but a whole CPU (1.0) or nothing (0) would fail.
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.65);
    expect(Number(cpu.throttled)).toBeGreaterThan(0);
  });

  it('stats --no-stream shows the limit and the usage', () => {
    const stats = result('stats');
    expect(Number(stats.limit)).toBe(64 * MiB);
    expect(Number(stats.usage)).toBeGreaterThan(0);
    expect(Number(stats.pids)).toBeGreaterThanOrEqual(1);
    const table = guest.results.split('\n').filter((l) => l.startsWith('STATS ')).join('\n');
    expect(table).toMatch(/MEM USAGE \/ LIMIT/);
    expect(table).toMatch(/ \/ 67\.1 MB/);
  });

  it('update --memory changes memory.max of the running container and its record', () => {
    expect(result('update')).toEqual({ exit: '0', memory_max: String(96 * MiB), inspect_memory: String(96 * MiB) });
  });

  it('removed containers leave no cgroup behind', () => {
    expect(result('cleanup')).toEqual({ left: '0' });
  });

  it('cgroup2 is mounted on /sys/fs/cgroup: the container\'s own cgroup with its limit, read-only; rw with --privileged', () => {
    expect(result('cgroupfs')).toEqual({ type: 'cgroup2', mode: 'ro', memory_max: String(48 * MiB), self: '0::/', write: 'refused' });
    expect(result('cgroupfs_privileged')).toEqual({ type: 'cgroup2', mode: 'rw' });
  });

  it('--userns=keep-id: the container\'s cgroup is removed when the payload ends', () => {
    expect(result('keepid_exit')).toEqual({ code: '0', left: '0' });
  });

  it('rm removes the cgroup an engine killed with SIGKILL left behind', () => {
    expect(result('leftover_rm')).toEqual({ exit: '0', before: '1', after: '0' });
  });
});
