/**
 * The container lifecycle as the unprivileged user, once per storage driver: run -d, ps, logs -f,
 * stop (fast with the default init), wait, inspect, rm; start/create; 20 parallel containers; an
 * engine killed with SIGKILL; --rm with -d; prune; rename.
 */
import { FIXTURES, makeTestStore, runTsctr, type TestStore } from './lib';

jest.setTimeout(120_000);

const BUSYBOX = FIXTURES.busybox;

describe.each(['overlay', 'fuse-overlayfs'])('lifecycle with --storage-driver %s', (driver) => {
  let store: TestStore;
  const tsctr = (args: readonly string[]) => runTsctr(['--storage-driver', driver, ...args], { store });

  beforeAll(async () => {
    store = makeTestStore();
    expect((await tsctr(['pull', '-q', BUSYBOX])).exitCode).toBe(0);
  });
  afterAll(async () => store.cleanup());

  it('run -d, ps, logs -f, stop, wait, inspect, rm', async () => {
    const run = await tsctr(['run', '-d', '--name', 'web', '--label', 'role=test', BUSYBOX, 'sh', '-c', 'echo started; echo oops >&2; exec sleep 1000']);
    expect(run.exitCode).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    const ps = await tsctr(['ps']);
    expect(ps.stdout.split('\n')[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(ps.stdout).toMatch(new RegExp(`^${id.slice(0, 12)}\\s+${BUSYBOX}\\s+.*Up .*web$`, 'm'));

    const follow = tsctr(['logs', '-f', 'web']);
    for (let i = 0; i < 100 && !(await tsctr(['logs', 'web'])).stdout.includes('started'); i++) await new Promise((r) => setTimeout(r, 100));

    const stop = await tsctr(['stop', 'web']);
    expect(stop).toMatchObject({ exitCode: 0, stdout: 'web\n' });
    const logs = await follow;
    expect(logs).toMatchObject({ exitCode: 0, stdout: 'started\n', stderr: 'oops\n' });

    expect((await tsctr(['wait', id])).stdout).toBe('143\n');
    const inspect = JSON.parse((await tsctr(['inspect', 'web'])).stdout)[0];
    expect(inspect).toMatchObject({
      Id: id,
      Name: 'web',
      ImageName: BUSYBOX,
      State: { Status: 'exited', Running: false, ExitCode: 143, OOMKilled: false },
      Config: { Cmd: ['sh', '-c', 'echo started; echo oops >&2; exec sleep 1000'], Labels: { role: 'test' }, Hostname: id.slice(0, 12), WorkingDir: '/' },
      HostConfig: { Init: true, AutoRemove: false },
    });
    expect(Date.parse(inspect.State.FinishedAt)).toBeGreaterThanOrEqual(Date.parse(inspect.State.StartedAt));
    expect((await tsctr(['ps', '-a'])).stdout).toMatch(/Exited \(143\) .* ago\s+web/);

    expect((await tsctr(['rm', 'web'])).stdout).toBe('web\n');
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('stop of a payload ignoring SIGTERM with --init=false falls back to SIGKILL after -t', async () => {
    const id = (await tsctr(['run', '-d', '--init=false', BUSYBOX, 'sh', '-c', 'trap "" TERM; while true; do sleep 1; done'])).stdout.trim();
    expect((await tsctr(['stop', '-t', '1', id])).exitCode).toBe(0);
    expect((await tsctr(['inspect', id, '--format', '{{.State.ExitCode}}'])).stdout).toBe('137\n');
    await tsctr(['rm', id]);
  });

  it('create + start -a, and kill -s', async () => {
    const id = (await tsctr(['create', BUSYBOX, 'sh', '-c', 'echo hi; exit 7'])).stdout.trim();
    expect((await tsctr(['ps', '-a'])).stdout).toMatch(/Created/);
    const started = await tsctr(['start', '-a', id]);
    expect(started).toMatchObject({ exitCode: 7, stdout: 'hi\n' });
    const bg = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    expect((await tsctr(['kill', '-s', 'KILL', bg])).exitCode).toBe(0);
    expect((await tsctr(['wait', bg])).stdout).toBe('137\n');
    const killAgain = await tsctr(['kill', bg]);
    expect(killAgain.exitCode).toBe(125);
    expect(killAgain.stderr).toMatch(/can only kill running containers/);
    expect((await tsctr(['rm', id, bg])).exitCode).toBe(0);
  });

  it('rm refuses a running container without -f; rm -f removes it', async () => {
    const id = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    const refused = await tsctr(['rm', id]);
    expect(refused.exitCode).toBe(125);
    expect(refused.stderr).toMatch(/as it is running/);
    expect((await tsctr(['rm', '-f', id])).exitCode).toBe(0);
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('20 containers started with -d in parallel all run and are all removable', async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => tsctr(['run', '-d', '--name', `p${i}`, BUSYBOX, 'sleep', '1000'])));
    expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    const running = (await tsctr(['ps', '-q'])).stdout.trim().split('\n');
    expect(running).toHaveLength(20);
    const removed = await Promise.all(runs.map((r) => tsctr(['rm', '-f', r.stdout.trim()])));
    expect(removed.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('a container whose engine was SIGKILLed is reported exited and can be removed', async () => {
    const id = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    const enginePid = Number((await tsctr(['inspect', id, '--format', '{{.State.ConmonPid}}'])).stdout.trim());
    expect(enginePid).toBeGreaterThan(1);
    process.kill(enginePid, 'SIGKILL');
    let status = '';
    for (let i = 0; i < 50 && status !== 'exited'; i++) {
      status = (await tsctr(['inspect', id, '--format', '{{.State.Status}}'])).stdout.trim();
      if (status !== 'exited') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('exited');
    expect((await tsctr(['ps', '-a'])).stdout).toMatch(/Exited \(137\)/);
    expect((await tsctr(['rm', id])).exitCode).toBe(0);
  });

  it('run -d --rm removes the container when it exits', async () => {
    const id = (await tsctr(['run', '-d', '--rm', BUSYBOX, 'true'])).stdout.trim();
    let listed = id;
    for (let i = 0; i < 100 && listed !== ''; i++) {
      listed = (await tsctr(['ps', '-a', '-q', '--no-trunc'])).stdout.trim();
      if (listed !== '') await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toBe('');
  });

  it('rename, container ls, container prune', async () => {
    await tsctr(['create', '--name', 'old', BUSYBOX, 'true']);
    expect((await tsctr(['rename', 'old', 'new'])).exitCode).toBe(0);
    expect((await tsctr(['container', 'ls', '-a', '--format', '{{.Names}}'])).stdout).toBe('new\n');
    const pruned = await tsctr(['container', 'prune', '-f']);
    expect(pruned.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('unknown containers are exit 125 with podman\'s message', async () => {
    for (const cmd of ['stop', 'rm', 'logs', 'inspect', 'wait']) {
      const r = await tsctr([cmd, 'nope']);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toContain('no container with name or ID "nope" found: no such container');
    }
  });
});
