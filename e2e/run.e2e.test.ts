/**
 * `tsctr run` as the unprivileged user against the local registry: exit codes, what the container
 * sees inside (ids, hostname, processes, capabilities, /dev, /sys, masked paths, seccomp), security
 * flags, keep-id, upper dir ownership, bad input, a real terminal (tmux) for -it (^C, ^D, resize,
 * detach keys), start -a -i, signals to a non-tty run (--sig-proxy) and logs --since.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { FIXTURES, TSCTR_BIN, asUserArgv, makeTestStore, runAsTestUser, runCommand, runTsctr, userInfo, TEST_USER, type TestStore } from './lib';

jest.setTimeout(120_000);

const BUSYBOX = FIXTURES.busybox;
// podman's default capability set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT
const DEFAULT_CAPS_HEX = '00000000800405fb';

let store: TestStore;
const tsctr = (args: readonly string[], input?: string) => runTsctr(args, { store, input });

beforeAll(async () => {
  store = makeTestStore();
  const pulled = await tsctr(['pull', '-q', BUSYBOX]);
  expect(pulled.stderr).toBe('');
});
afterAll(async () => store.cleanup());

function subordinateStart(file: string): number {
  const u = userInfo(TEST_USER);
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${u.name}:`) || l.startsWith(`${u.uid}:`));
  if (!line) throw new Error(`${TEST_USER} has no range in ${file}`);
  return Number(line.split(':')[1]);
}

describe('exit codes', () => {
  it('run --rm echo hello prints hello, exits 0 and leaves no container', async () => {
    const containers = path.join(store.root, 'containers');
    const before = fs.existsSync(containers) ? fs.readdirSync(containers) : [];
    const r = await tsctr(['run', '--rm', BUSYBOX, 'echo', 'hello']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
    // The engine renames the container's tree away before it reports the exit and deletes it right after.
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = fs.readdirSync(containers).filter((d) => !before.includes(d));
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left).toEqual([]);
  });

  it('works from a working directory the user cannot enter (a checkout under /root)', async () => {
    const r = await runTsctr(['run', '--rm', BUSYBOX, 'echo', 'from-closed-cwd'], { store, cwd: '/root' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'from-closed-cwd\n' });
  });

  it('pulls an image it does not have, then runs it', async () => {
    // A store of its own: other tests rely on this image being absent from the shared one.
    const own = makeTestStore();
    try {
      const r = await runTsctr(['run', '--rm', FIXTURES.second, 'cat', '/etc/second-marker'], { store: own });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).not.toBe('');
      expect(r.stderr).toContain(`Trying to pull ${FIXTURES.second}`);
      expect((await runTsctr(['images', '--format', '{{.Repository}}:{{.Tag}}'], { store: own })).stdout).toContain('fixtures/second:latest');
    } finally {
      await own.cleanup();
    }
  });

  it('passes the command\'s words verbatim (no number parsing)', async () => {
    expect(await tsctr(['run', '--rm', BUSYBOX, 'echo', '1e3', '0x10', '010', '-5', '1.50'])).toMatchObject({ exitCode: 0, stdout: '1e3 0x10 010 -5 1.50\n' });
  });

  it('the payload\'s exit code is the CLI\'s', async () => {
    expect((await tsctr(['run', '--rm', BUSYBOX, 'sh', '-c', 'exit 42'])).exitCode).toBe(42);
  });

  it('a missing command gives 127 and names the command', async () => {
    const r = await tsctr(['run', '--rm', BUSYBOX, 'no-such-command']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('no-such-command');
  });

  it('stdout and stderr stay separate; -i forwards stdin and its EOF', async () => {
    const r = await tsctr(['run', '--rm', '-i', BUSYBOX, 'sh', '-c', 'cat; echo to-err >&2'], 'from-stdin\n');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'from-stdin\n' });
    expect(r.stderr).toBe('to-err\n');
  });
});

describe('inside the container', () => {
  const inside = async (script: string, flags: string[] = []) => tsctr(['run', '--rm', ...flags, BUSYBOX, 'sh', '-c', script]);

  it('is root mapped to the user, then the subordinate range', async () => {
    const u = userInfo(TEST_USER);
    const r = await inside('cat /proc/self/uid_map; id -u; id -g');
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual([`0 ${u.uid} 1`, `1 ${subordinateStart('/etc/subuid')} 65536`, '0', '0']);
  });

  it('hostname is the short id, or --hostname', async () => {
    expect((await inside('hostname')).stdout.trim()).toMatch(/^[0-9a-f]{12}$/);
    expect((await inside('hostname', ['--hostname', 'box1'])).stdout).toBe('box1\n');
  });

  it('ps shows only the container\'s own processes', async () => {
    const r = await inside('ps -o pid,comm');
    const pids = r.stdout.trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(Math.max(...pids)).toBeLessThan(10);
    expect(pids).toContain(1);
  });

  it('the default init reaps orphans: no zombie remains', async () => {
    // The inner sh exits at once, so its background sleep is orphaned and re-parented to PID 1.
    // (An orphan is what any init can reap: a child whose parent is still alive but never waits,
    // as in `sleep 0.1 & exec sleep 100`, stays a zombie under podman's --init as well.)
    const r = await inside('sh -c "sleep 0.1 &"; sleep 1; ps -o pid,ppid,stat,comm');
    expect(r.exitCode).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));
    expect(rows.length).toBeGreaterThanOrEqual(2); // tsctr-init and ps (the payload's last command)
    expect(rows.filter((cols) => cols[2].startsWith('Z'))).toEqual([]);
    expect(rows.find((cols) => cols[0] === '1')?.[3]).toBe('tsctr-init');
  });

  it('has podman\'s default capabilities', async () => {
    const r = await inside('grep CapEff /proc/self/status');
    expect(r.stdout.trim()).toBe(`CapEff:\t${DEFAULT_CAPS_HEX}`);
  });

  it('/dev holds the standard devices and nothing else', async () => {
    const names = (await inside('ls /dev')).stdout.trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'ptmx', 'pts', 'shm', 'mqueue']));
    expect(names.filter((n) => !['null', 'zero', 'full', 'random', 'urandom', 'tty', 'ptmx', 'pts', 'shm', 'mqueue', 'fd', 'stdin', 'stdout', 'stderr', 'console'].includes(n))).toEqual([]);
  });

  it('/sys is read-only and /proc/kcore is masked', async () => {
    const r = await inside('echo x > /sys/kernel/test 2>/dev/null; echo sys=$?; wc -c < /proc/kcore 2>/dev/null || echo kcore-empty');
    expect(r.stdout).toMatch(/sys=[1-9]/);
    expect(r.stdout).toMatch(/^0$|kcore-empty/m);
  });

  it('seccomp denies unshare of a user namespace', async () => {
    const r = await inside('unshare -U true; echo rc=$?');
    expect(r.stdout).toMatch(/rc=[1-9]/);
    expect(r.stderr).toMatch(/Operation not permitted/);
  });

  it('--cap-drop all leaves no capability; --privileged gives every one', async () => {
    expect((await inside('grep CapEff /proc/self/status', ['--cap-drop', 'all'])).stdout.trim()).toBe('CapEff:\t0000000000000000');
    const priv = (await inside('grep CapEff /proc/self/status', ['--privileged'])).stdout.trim().split('\t')[1];
    expect(BigInt(`0x${priv}`) > BigInt(`0x${DEFAULT_CAPS_HEX}`)).toBe(true);
    expect((await inside('unshare -U true && echo ok', ['--privileged', '--security-opt', 'seccomp=unconfined'])).stdout).toBe('ok\n');
  });

  it('--userns=keep-id makes id -u the user\'s own uid while image files stay root-owned', async () => {
    const r = await inside('id -u; stat -c %u /etc/passwd', ['--userns=keep-id']);
    expect(r.stdout).toBe(`${userInfo(TEST_USER).uid}\n0\n`);
  });

  it('a file created as uid 1234 is owned on the host by the matching subordinate id', async () => {
    const id = (await tsctr(['create', BUSYBOX, 'sh', '-c', 'touch /made && chown 1234:1234 /made'])).stdout.trim();
    expect((await tsctr(['start', '-a', id])).exitCode).toBe(0);
    const upper = path.join(store.root, 'containers', id, 'upper', 'made');
    expect(fs.statSync(upper).uid).toBe(subordinateStart('/etc/subuid') + 1234 - 1);
    expect((await tsctr(['rm', id])).exitCode).toBe(0);
    expect(fs.existsSync(path.join(store.root, 'containers', id))).toBe(false);
  });

  it('environment, workdir, user and entrypoint flags apply', async () => {
    const r = await tsctr(['run', '--rm', '-e', 'A=1', '-w', '/tmp', '-u', 'nobody', '--entrypoint', 'sh', BUSYBOX, '-c', 'echo $A $(pwd) $(id -un)']);
    expect(r.stdout).toBe('1 /tmp nobody\n');
  });
});

describe('bad input: exit 125, a clear message, nothing created', () => {
  it.each([
    [['run', '--rm', 'localhost:5000/does-not-exist'], /does-not-exist/],
    [['run', '--rm', 'UPPER/Case::bad'], /invalid|reference/i],
    [['run', '--stop-timeout', 'soon', BUSYBOX], /invalid --stop-timeout/],
    [['run', '--cap-add', 'NOT_A_CAP', BUSYBOX], /unknown capability "NOT_A_CAP"/],
    [['run', '--name', 'bad name', BUSYBOX], /invalid container name/],
    [['run', '--pull', 'sometimes', BUSYBOX], /invalid --pull/],
    [['run', '--network', 'bridge', BUSYBOX], /invalid --network "bridge": use slirp4netns/],
    [['run', '--storage-driver', 'vfs', BUSYBOX], /unknown storage driver "vfs"/],
    [['run', '--pull', 'never', 'localhost:5000/fixtures/second'], /image not known/],
  ])('%j', async (args, message) => {
    const r = await tsctr(args);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(message);
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('a seccomp file that does not parse names the field', async () => {
    const file = path.join(store.dir, 'bad-seccomp.json');
    fs.writeFileSync(file, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_EXPLODE' }] }));
    fs.chmodSync(file, 0o644);
    const r = await tsctr(['run', '--security-opt', `seccomp=${file}`, BUSYBOX, 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/syscalls\[0\]\.action/);
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('a name in use is refused with podman\'s message', async () => {
    const id = (await tsctr(['create', '--name', 'taken', BUSYBOX, 'true'])).stdout.trim();
    const r = await tsctr(['run', '--name', 'taken', BUSYBOX, 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(`the container name "taken" is already in use by ${id}`);
    await tsctr(['rm', 'taken']);
  });
});

describe('the engine launched before the record (run)', () => {
  // Dot entries are --rm trees the engine deletes after its client has gone (see the first test).
  const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => !d.startsWith('.')) : []);
  const containerDirs = () => [...entries(path.join(store.root, 'containers')), ...entries(path.join(store.runroot, 'containers'))];

  it('--network none starts the payload at once: all output (more than a pipe holds), stdin and the exit code reach the CLI', async () => {
    const r = await tsctr(['run', '--rm', '-i', '--network', 'none', BUSYBOX, 'sh', '-c', 'cat; seq 1 30000; echo to-err >&2; exit 7'], 'from-stdin\n');
    expect(r.exitCode).toBe(7);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('from-stdin');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 30000 }, (_, i) => String(i + 1)));
    expect(r.stderr).toBe('to-err\n');
  });

  it('a run that fails before its record is written leaves no directory behind', async () => {
    const before = containerDirs();
    for (const network of ['none', 'slirp4netns']) {
      const missing = await tsctr(['run', '--rm', '--network', network, 'localhost:5000/does-not-exist']);
      expect(missing.exitCode).toBe(125);
    }
    // Flags the pre-launch's scan accepts but the run command refuses: the pre-launched engine goes too.
    const badFlag = await tsctr(['run', '--rm', '--stop-timeout', 'soon', '--network', 'none', BUSYBOX, 'true']);
    expect(badFlag.exitCode).toBe(125);
    expect(badFlag.stderr).toContain('invalid --stop-timeout "soon"');
    const id = (await tsctr(['create', '--name', 'early-taken', BUSYBOX, 'true'])).stdout.trim();
    expect((await tsctr(['run', '--name', 'early-taken', '--network', 'none', BUSYBOX, 'true'])).exitCode).toBe(125);
    expect((await tsctr(['rm', 'early-taken'])).exitCode).toBe(0);
    expect(containerDirs().filter((d) => d !== id)).toEqual(before);
    // No engine of those runs is left waiting (each was launched before its flags were checked).
    const engines = await runCommand(['pgrep', '-u', TEST_USER, '-f', `engine-main.* --root ${store.root} `]);
    expect(engines.stdout).toBe('');
  });

  it('a newuidmap that refuses the map fails the run with its words and the fix (exit 125) and leaves nothing', async () => {
    // The engine's launch executes Node while the maps are written (--exec-unmapped): the failure still reaches the CLI.
    const dir = fs.mkdtempSync('/tmp/tsctr-e2e-idmap-');
    try {
      fs.chmodSync(dir, 0o755);
      fs.writeFileSync(path.join(dir, 'newuidmap'), '#!/bin/sh\necho "newuidmap: uid range not allowed" >&2\nexit 1\n', { mode: 0o755 });
      const before = containerDirs();
      const r = await runTsctr(['run', '--rm', '--network', 'none', BUSYBOX, 'true'], { store, env: { PATH: `${dir}:/usr/bin:/bin` } });
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/^Error: newuidmap \d+ 0 \d+ 1 1 \d+ 65536 failed: newuidmap: uid range not allowed: check that \/etc\/subuid grants these ranges/);
      expect(containerDirs()).toEqual(before);
      expect((await runCommand(['pgrep', '-u', TEST_USER, '-f', `engine-main.* --root ${store.root} `])).stdout).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the engine runs without NODE_EXTRA_CA_CERTS (Node would load that file at its start) and with the rest of the caller\'s environment, launched or replayed', async () => {
    const env = { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', TSCTR_E2E_MARK: 'kept' };
    const ids: string[] = [];
    // The second run spawns its engine from the launch recipe the first one left.
    for (let i = 0; i < 2; i++) {
      const r = await runTsctr(['run', '-d', '--network', 'none', BUSYBOX, 'sleep', '1000'], { store, env });
      expect(r.exitCode).toBe(0);
      ids.push(r.stdout.trim());
    }
    try {
      for (const id of ids) {
        const [info] = JSON.parse((await tsctr(['inspect', id])).stdout) as { State: { ConmonPid: number } }[];
        const environ = fs.readFileSync(`/proc/${info.State.ConmonPid}/environ`, 'utf8').split('\0');
        expect(environ).toContain('TSCTR_E2E_MARK=kept');
        expect(environ.filter((e) => e.startsWith('NODE_EXTRA_CA_CERTS='))).toEqual([]);
      }
    } finally {
      await tsctr(['rm', '-f', ...ids]);
    }
  });

  it('the engine starts before the CLI has loaded (pre-launch), and that engine runs the container', async () => {
    const traceFile = path.join(store.runroot, 'trace.log');
    const r = await runTsctr(['run', '--rm', '--network', 'none', BUSYBOX, 'echo', 'pre'], { store, env: { TSCTR_TRACE: traceFile } });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'pre\n' });
    const events = fs.readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
    fs.rmSync(traceFile);
    const at = (phase: string) => events.filter((e) => e[2] === phase).map((e) => ({ pid: e[1], ms: Number(e[3]) }));
    // One engine only: the pre-launched one was adopted, not replaced.
    expect(at('cli-engine-spawned')).toHaveLength(1);
    expect(at('cli-log-opened')).toHaveLength(1);
    const [engine] = at('engine-main');
    const [cliMain] = at('cli-main');
    expect(engine.pid).not.toBe(cliMain.pid);
    expect(at('engine-payload-ended').map((e) => e.pid)).toEqual([engine.pid]);
    // Its launch began (engine.log opened, then the spawn) before the CLI's main module ran.
    expect(at('cli-log-opened')[0].ms).toBeLessThan(cliMain.ms);
  });
});

describe('launch recipes (the engine started from the first lines of the bin script)', () => {
  const recipeFile = () => path.join(store.dir, 'cache', 'tsctr', 'launch-recipes.json');
  /** A traced run; the trace's events by phase (pid and time). */
  async function tracedRun(args: readonly string[], traceName: string) {
    const traceFile = path.join(store.runroot, `${traceName}.log`);
    const r = await runTsctr(args, { store, env: { TSCTR_TRACE: traceFile } });
    const events = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => l.split(' ')) : [];
    fs.rmSync(traceFile, { force: true });
    const at = (phase: string) => events.filter((e) => e[2] === phase).map((e) => ({ pid: e[1], ms: Number(e[3]) }));
    return { r, at };
  }
  // Dot entries are --rm trees the engine deletes after its client has gone.
  const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => !d.startsWith('.')) : []);
  const containerDirs = () => [...entries(path.join(store.root, 'containers')), ...entries(path.join(store.runroot, 'containers'))];
  const leftEngines = async () => (await runCommand(['pgrep', '-u', TEST_USER, '-f', `engine-main.* --root ${store.root} `])).stdout;

  it('the first run leaves a recipe; the next with the same flags starts its engine from it, before the CLI loads, and that engine runs the container', async () => {
    const args = ['run', '--rm', '--network', 'none', BUSYBOX, 'echo'];
    const first = await tracedRun([...args, 'first'], 'recipe-a');
    expect(first.r).toMatchObject({ exitCode: 0, stdout: 'first\n' });
    expect(first.at('cli-recipe-spawned')).toHaveLength(0);
    const st = fs.statSync(recipeFile());
    expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: userInfo(TEST_USER).uid, mode: 0o600 });
    // Another command and image arguments, the same launch-deciding flags.
    const second = await tracedRun([...args, 'second', 'run'], 'recipe-a');
    expect(second.r).toMatchObject({ exitCode: 0, stdout: 'second run\n' });
    expect(second.at('cli-recipe-spawned')).toHaveLength(1);
    // The recipe's engine was adopted: no pre-launch and no second launch.
    expect(second.at('cli-log-opened')).toHaveLength(0);
    const [cliMain] = second.at('cli-main');
    const [engine] = second.at('engine-main');
    expect(engine.pid).not.toBe(cliMain.pid);
    expect(second.at('engine-payload-ended').map((e) => e.pid)).toEqual([engine.pid]);
    expect(second.at('cli-recipe-spawned')[0].ms).toBeLessThan(cliMain.ms);
    expect(await leftEngines()).toBe('');
  });

  it('a recipe that no longer fits (other id ranges, a shim that is gone) is not used: the run launches anew and fixes the recipe', async () => {
    const args = ['run', '--rm', '--network', 'none', '--hostname', 'fits', BUSYBOX, 'hostname'];
    expect((await tracedRun(args, 'recipe-b')).r).toMatchObject({ exitCode: 0, stdout: 'fits\n' });
    const good = fs.readFileSync(recipeFile(), 'utf8');
    const tamper = (change: (recipe: { plan: { mappings: { uidMap: { hostId: number }[] } }; file: string }) => void) => {
      const recipes = JSON.parse(good) as Parameters<typeof change>[0][];
      change(recipes[0]);
      fs.writeFileSync(recipeFile(), JSON.stringify(recipes));
    };
    const before = containerDirs();
    tamper((recipe) => {
      recipe.plan.mappings.uidMap[0].hostId += 1;
    });
    const stale = await tracedRun(args, 'recipe-b');
    expect(stale.r).toMatchObject({ exitCode: 0, stdout: 'fits\n' });
    expect(stale.at('cli-recipe-spawned')).toHaveLength(1);
    expect(stale.at('cli-log-opened')).toHaveLength(1);
    // The fresh launch is the recipe now (its plan the right one again).
    expect(JSON.parse(fs.readFileSync(recipeFile(), 'utf8'))[0].plan).toEqual(JSON.parse(good)[0].plan);
    tamper((recipe) => {
      recipe.file = '/nonexistent/tsctr-shim';
    });
    const gone = await tracedRun(args, 'recipe-b');
    expect(gone.r).toMatchObject({ exitCode: 0, stdout: 'fits\n' });
    expect(gone.at('cli-log-opened')).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(recipeFile(), 'utf8'))[0].file).not.toBe('/nonexistent/tsctr-shim');
    expect(containerDirs()).toEqual(before);
    expect(await leftEngines()).toBe('');
  });

  it('a recipe file that others can write is ignored', async () => {
    const args = ['run', '--rm', '--network', 'none', '--hostname', 'shared', BUSYBOX, 'true'];
    expect((await tracedRun(args, 'recipe-c')).r.exitCode).toBe(0);
    fs.chmodSync(recipeFile(), 0o666);
    const r = await tracedRun(args, 'recipe-c');
    expect(r.r.exitCode).toBe(0);
    expect(r.at('cli-recipe-spawned')).toHaveLength(0);
    expect(r.at('cli-log-opened')).toHaveLength(1);
  });
});

describe('-it with a real terminal (tmux)', () => {
  const socket = `/tmp/tsctr-e2e-tmux-${process.pid}`;
  const tmux = (args: string[]) => runAsTestUser(['tmux', '-S', socket, ...args], { env: store.env });
  const screen = async (session: string) => (await tmux(['capture-pane', '-p', '-t', session, '-S', '-50'])).stdout;
  async function waitForScreen(session: string, pattern: RegExp): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const text = await screen(session);
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the terminal never showed ${pattern}:\n${await screen(session)}`);
  }
  /** Waits until a process whose command line matches runs on the host (container processes included). */
  async function waitForHostProcess(cmdline: RegExp): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const r = await runCommand(['ps', '-eo', 'args=']);
      if (r.stdout.split('\n').some((line) => cmdline.test(line.trim()))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no process ${cmdline} ever started`);
  }
  const keys = async (session: string, ...k: string[]) => {
    expect((await tmux(['send-keys', '-t', session, ...k])).exitCode).toBe(0);
  };
  /** A 100x30 tmux session running `tsctr run -it ARGS`, then printing the CLI's exit code; waits for sh's prompt. */
  async function runInTerminal(session: string, args: readonly string[]): Promise<void> {
    const cmd = [TSCTR_BIN, '--root', store.root, '--runroot', store.runroot, 'run', '-it', ...args].join(' ');
    expect((await tmux(['new-session', '-d', '-s', session, '-x', '100', '-y', '30', `${cmd}; echo EXIT-CODE=$?; sleep 600`])).exitCode).toBe(0);
    await waitForScreen(session, /^\/ #/m);
  }
  afterAll(async () => {
    await tmux(['kill-server']);
    fs.rmSync(socket, { force: true });
  });

  it('gets a prompt, tty is /dev/pts/0, Ctrl-C stops sleep, exit 3 returns 3', async () => {
    await runInTerminal('basic', ['--rm', BUSYBOX, 'sh']);
    await keys('basic', 'tty', 'Enter');
    await waitForScreen('basic', /^\/dev\/pts\/0$/m);
    // Ctrl-C must reach the running sleep, not the shell still reading the line: wait for it.
    await keys('basic', 'sleep 6001', 'Enter');
    await waitForHostProcess(/^sleep 6001$/);
    await keys('basic', 'C-c');
    await keys('basic', 'echo after-$((40+2))', 'Enter');
    await waitForScreen('basic', /^after-42$/m);
    await keys('basic', 'exit 3', 'Enter');
    await waitForScreen('basic', /EXIT-CODE=3/);
  });

  it('^D at the prompt is the end of input: the shell ends and run returns 0', async () => {
    await runInTerminal('eof', ['--rm', BUSYBOX, 'sh']);
    await keys('eof', 'C-d');
    await waitForScreen('eof', /EXIT-CODE=0/);
  });

  it('the container\'s terminal follows a resize of the client\'s window (SIGWINCH)', async () => {
    await runInTerminal('winch', ['--rm', BUSYBOX, 'sh']);
    await keys('winch', 'stty size', 'Enter');
    await waitForScreen('winch', /^30 100$/m);
    expect((await tmux(['resize-window', '-t', 'winch', '-x', '120', '-y', '40'])).exitCode).toBe(0);
    // The resize travels CLI -> engine -> pty asynchronously: ask again until it has arrived.
    let seen = '';
    for (let i = 0; i < 50 && !/^40 120$/m.test(seen); i++) {
      await keys('winch', 'clear; stty size', 'Enter');
      seen = await waitForScreen('winch', /^\d+ \d+$/m);
    }
    expect(seen).toMatch(/^40 120$/m);
    await keys('winch', 'exit', 'Enter');
    await waitForScreen('winch', /EXIT-CODE=0/);
  });

  it('ctrl-p,ctrl-q detaches: run returns 0 and the container keeps running; --detach-keys changes the keys', async () => {
    await runInTerminal('detach', ['--name', 'detached-it', BUSYBOX, 'sh']);
    await keys('detach', 'echo before-$((1+1))', 'Enter');
    await waitForScreen('detach', /^before-2$/m);
    await keys('detach', 'C-p', 'C-q');
    await waitForScreen('detach', /EXIT-CODE=0/);
    expect((await tsctr(['inspect', '--format', '{{.State.Status}}', 'detached-it'])).stdout).toBe('running\n');
    expect((await tsctr(['exec', 'detached-it', 'echo', 'still-here'])).stdout).toBe('still-here\n');

    await runInTerminal('detach2', ['--rm', '--detach-keys', 'ctrl-x,x', BUSYBOX, 'sh']);
    await keys('detach2', 'C-p', 'C-q', 'echo not-detached', 'Enter');
    await waitForScreen('detach2', /^not-detached$/m);
    await keys('detach2', 'C-x', 'x');
    await waitForScreen('detach2', /EXIT-CODE=0/);
    expect((await tsctr(['rm', '-f', 'detached-it'])).exitCode).toBe(0);
    expect((await tsctr(['rm', '-fa'])).exitCode).toBe(0);
  });
});

describe('start -a -i, signals to a non-tty run, logs --since', () => {
  it('start -a -i gives stdin (and its EOF) to a created -i container', async () => {
    const created = await tsctr(['create', '-i', '--name', 'start-stdin', BUSYBOX, 'sh', '-c', 'read l; echo got-$l; exec cat']);
    expect(created.exitCode).toBe(0);
    const r = await tsctr(['start', '-a', '-i', 'start-stdin'], 'hello\nrest of it\n');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'got-hello\nrest of it\n' });
    expect((await tsctr(['rm', 'start-stdin'])).exitCode).toBe(0);
  });

  /** The pid of the node process of a tsctr CLI started below `root` (runuser -> env -> sh wrapper -> node). */
  function cliPidBelow(root: number): number | undefined {
    const children = (pid: number): number[] => {
      try {
        return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    for (const pid of [root, ...children(root).flatMap((c) => [c, ...children(c)])]) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.endsWith('packages/cli/bin/tsctr'))) return pid;
      } catch {
        // gone
      }
    }
    return undefined;
  }

  /** `tsctr run` in the background: output so far, the CLI's pid once its output shows `ready`, and its exit code. */
  function startRun(args: readonly string[]): { stdout: () => string; cliPid: () => Promise<number>; exitCode: Promise<number>; kill: () => void } {
    const argv = asUserArgv(TEST_USER, [TSCTR_BIN, '--root', store.root, '--runroot', store.runroot, 'run', ...args], store.env);
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: userInfo(TEST_USER).home });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.resume();
    const exitCode = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0))));
    return {
      stdout: () => out,
      exitCode,
      cliPid: async () => {
        await waitFor(() => /ready/.test(out), 'the payload to print ready');
        const pid = cliPidBelow(child.pid as number);
        if (pid === undefined) throw new Error('no tsctr CLI process found');
        return pid;
      },
      kill: () => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      },
    };
  }

  async function waitFor(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const trapping = ['sh', '-c', 'trap "echo got-INT" INT; trap "echo got-TERM; exit 7" TERM; echo ready; while true; do sleep 0.1; done'];

  it('SIGINT and SIGTERM sent to the CLI reach the payload (--sig-proxy, the default)', async () => {
    const run = startRun(['--rm', '--name', 'sig-proxy', BUSYBOX, ...trapping]);
    try {
      const pid = await run.cliPid();
      process.kill(pid, 'SIGINT');
      await waitFor(() => run.stdout().includes('got-INT'), 'got-INT');
      process.kill(pid, 'SIGTERM');
      expect(await run.exitCode).toBe(7);
      expect(run.stdout()).toBe('ready\ngot-INT\ngot-TERM\n');
    } finally {
      run.kill();
    }
  });

  it('--sig-proxy=false: SIGTERM ends the CLI, not the container', async () => {
    const run = startRun(['--sig-proxy=false', '--name', 'no-sig-proxy', BUSYBOX, ...trapping]);
    try {
      process.kill(await run.cliPid(), 'SIGTERM');
      expect(await run.exitCode).toBe(143);
      expect(run.stdout()).toBe('ready\n');
      expect((await tsctr(['inspect', '--format', '{{.State.Status}}', 'no-sig-proxy'])).stdout).toBe('running\n');
    } finally {
      run.kill();
      await tsctr(['rm', '-f', 'no-sig-proxy']);
    }
  });

  it('logs --since keeps the records from that time on (RFC 3339, Unix seconds, durations)', async () => {
    const run = await tsctr(['run', '--name', 'since', BUSYBOX, 'sh', '-c', 'echo first; sleep 1.2; echo second']);
    expect(run.exitCode).toBe(0);
    const stamped = (await tsctr(['logs', '-t', 'since'])).stdout.trim().split('\n');
    expect(stamped).toHaveLength(2);
    const [firstTime, secondTime] = stamped.map((l) => l.split(' ')[0]);
    expect(stamped.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['first', 'second']);
    expect((await tsctr(['logs', '--since', secondTime, 'since'])).stdout).toBe('second\n');
    expect((await tsctr(['logs', '--since', firstTime, 'since'])).stdout).toBe('first\nsecond\n');
    const between = ((Date.parse(firstTime) + Date.parse(secondTime)) / 2000).toFixed(3);
    expect((await tsctr(['logs', '--since', between, 'since'])).stdout).toBe('second\n');
    expect((await tsctr(['logs', '--since', '1h', 'since'])).stdout).toBe('first\nsecond\n');
    expect((await tsctr(['logs', '--since', String(Math.ceil(Date.now() / 1000) + 3600), 'since'])).stdout).toBe('');
    const bad = await tsctr(['logs', '--since', 'yesterday-ish', 'since']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toMatch(/invalid --since "yesterday-ish"/);
    expect((await tsctr(['rm', 'since'])).exitCode).toBe(0);
  });
});
