/**
 * What the per-container engine itself provides, seen through `tsctr run` as the unprivileged user:
 * the k8s-file log, /dev, read-only /sys, generated /etc files and hostname, stdio pipes, both
 * storage drivers, keep-id owners, and the engine's death taking the container with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, TEST_USER, makeTestStore, runCommand, runTsctr, userInfo, type TestStore } from './lib';

let store: TestStore;
beforeAll(async () => {
  store = makeTestStore();
  const pulled = await runTsctr(['pull', FIXTURES.busybox], { store });
  expect(pulled.exitCode).toBe(0);
});
afterAll(() => store.cleanup());

const run = (args: readonly string[]) => runTsctr(['run', '--rm', ...args], { store });

describe('engine', () => {
  it('writes stdout and stderr to ctr.log in k8s-file format, with partial lines marked P', async () => {
    const started = await runTsctr(['run', '-d', FIXTURES.busybox, 'sh', '-c', 'echo out; echo err >&2; printf partial'], { store });
    expect(started.exitCode).toBe(0);
    const id = started.stdout.trim();
    expect((await runTsctr(['wait', id], { store })).stdout.trim()).toBe('0');
    const lines = fs.readFileSync(path.join(store.root, 'containers', id, 'ctr.log'), 'utf8').trimEnd().split('\n');
    const records = lines.map((line) => /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$/.exec(line)?.slice(2));
    expect(records).toEqual(expect.arrayContaining([['stdout', 'F', 'out'], ['stderr', 'F', 'err'], ['stdout', 'P', 'partial']]));
    expect(records).toHaveLength(3);
    expect((await runTsctr(['rm', id], { store })).exitCode).toBe(0);
  });

  it('gives the container exactly podman\'s /dev', async () => {
    const r = await run([FIXTURES.busybox, 'ls', '/dev']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['fd', 'full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
  });

  it('makes /sys read-only', async () => {
    const r = await run([FIXTURES.busybox, 'sh', '-c', 'echo 1 > /sys/kernel/profiling']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('Read-only file system');
  });

  it('sets the hostname and generates /etc/hostname and /etc/hosts', async () => {
    const r = await run(['--hostname', 'box1', FIXTURES.busybox, 'sh', '-c', 'hostname; cat /etc/hostname; grep -c box1 /etc/hosts; grep -c localhost /etc/hosts']);
    expect(r.stdout).toBe('box1\nbox1\n1\n2\n');
  });

  it('uses the short container id as the default hostname', async () => {
    const started = await runTsctr(['run', '-d', FIXTURES.busybox, 'hostname'], { store });
    const id = started.stdout.trim();
    await runTsctr(['wait', id], { store });
    const logs = await runTsctr(['logs', id], { store });
    expect(logs.stdout).toBe(`${id.slice(0, 12)}\n`);
    await runTsctr(['rm', id], { store });
  });

  it('brings the loopback interface up', async () => {
    const r = await run([FIXTURES.busybox, 'cat', '/sys/class/net/lo/operstate', '/sys/class/net/lo/flags']);
    expect(r.stdout.split('\n')[1]).toMatch(/^0x\d*[13579]$/); // IFF_UP
  });

  it('gives the payload real pipes: /dev/stdout and /dev/stderr can be opened', async () => {
    const r = await run([FIXTURES.busybox, 'sh', '-c', 'echo to-out > /dev/stdout; echo to-err > /dev/stderr']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'to-out\n', stderr: 'to-err\n' });
  });

  it('forwards stdin and its EOF with -i', async () => {
    const r = await runTsctr(['run', '--rm', '-i', FIXTURES.busybox, 'sh', '-c', 'cat; echo done'], { store, input: 'line1\nline2\n' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'line1\nline2\ndone\n' });
  });

  it.each(['overlay', 'fuse-overlayfs'])('mounts the root filesystem with the %s driver and keeps writes in the upper dir', async (driver) => {
    const started = await runTsctr(['run', '-d', '--storage-driver', driver, FIXTURES.busybox, 'sh', '-c', 'grep " / " /proc/self/mountinfo; echo data > /written'], { store });
    const id = started.stdout.trim();
    expect((await runTsctr(['wait', id], { store })).stdout.trim()).toBe('0');
    const logs = await runTsctr(['logs', id], { store });
    expect(logs.stdout).toContain(driver === 'overlay' ? ' - overlay overlay ' : 'fuse-overlayfs');
    const written = path.join(store.root, 'containers', id, 'upper', 'written');
    expect(fs.readFileSync(written, 'utf8')).toBe('data\n');
    expect(fs.statSync(written).uid).toBe(userInfo(TEST_USER).uid); // container root = the user
    await runTsctr(['rm', id], { store });
  });

  it('shows image owners to a --userns=keep-id container', async () => {
    const r = await run(['--userns=keep-id', FIXTURES.busybox, 'sh', '-c', 'id -u; stat -c %u /etc/passwd /']);
    expect(r.stdout).toBe(`${userInfo(TEST_USER).uid}\n0\n0\n`);
  });

  it('takes the container down when the engine is killed', async () => {
    const started = await runTsctr(['run', '-d', FIXTURES.busybox, 'sleep', '1000'], { store });
    const id = started.stdout.trim();
    const state = JSON.parse(fs.readFileSync(path.join(store.root, 'containers', id, 'state.json'), 'utf8')) as { pid: number; enginePid: number };
    await runCommand(['kill', '-KILL', String(state.enginePid)]);
    // Bounded wait for the kernel to deliver the parent-death signals (not a timing assertion).
    for (let i = 0; i < 50 && fs.existsSync(`/proc/${state.pid}`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(`/proc/${state.pid}`)).toBe(false);
    const ps = await runTsctr(['ps', '-a', '--format', 'json'], { store });
    expect(ps.stdout).toContain(id);
    expect((await runTsctr(['rm', '-f', id], { store })).exitCode).toBe(0);
  }, 60_000);
});
