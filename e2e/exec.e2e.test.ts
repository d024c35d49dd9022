/**
 * Working inside running containers, as the unprivileged user: `exec` (same filesystem, hostname,
 * PID namespace and capabilities as the payload; -u/-w/-e; exit codes; -it with a real terminal;
 * many sequential and concurrent sessions leave no zombies or strays), `attach` (several clients,
 * detach keys), `cp` (round trip with symlinks and modes, symlinks cannot lead out of the
 * container, running and stopped containers), `top` and `diff`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, TSCTR_BIN, TEST_USER, makeTestStore, runAsTestUser, runTsctr, userInfo, type TestStore } from './lib';

jest.setTimeout(180_000);

const BUSYBOX = FIXTURES.busybox;
let store: TestStore;
let work: string;
const tsctr = (args: readonly string[], input?: string) => runTsctr(args, { store, input });
const exec = (args: readonly string[]) => tsctr(['exec', ...args]);

beforeAll(async () => {
  store = makeTestStore();
  const u = userInfo(TEST_USER);
  work = path.join(store.dir, 'work');
  fs.mkdirSync(work, { mode: 0o755 });
  fs.chownSync(work, u.uid, u.gid);
  expect((await tsctr(['pull', '-q', BUSYBOX])).exitCode).toBe(0);
  const started = await tsctr(['run', '-d', '--name', 'box', '--hostname', 'exec-box', BUSYBOX, 'sh', '-c', 'echo from-payload > /tmp/marker; exec sleep 100000']);
  expect(started.exitCode).toBe(0);
});
afterAll(async () => store.cleanup());

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} never happened; last: ${JSON.stringify(last)}`);
}

function containerState(name: string): { pid: number; enginePid: number; status: string } {
  const dir = fs.readdirSync(path.join(store.root, 'containers')).find((id) => {
    const config = JSON.parse(fs.readFileSync(path.join(store.root, 'containers', id, 'config.json'), 'utf8')) as { name: string };
    return config.name === name;
  });
  if (!dir) throw new Error(`no container ${name}`);
  return JSON.parse(fs.readFileSync(path.join(store.root, 'containers', dir, 'state.json'), 'utf8')) as { pid: number; enginePid: number; status: string };
}

/** Host pids below `root` with their state letter and command name. */
function hostTree(root: number): { pid: number; state: string; comm: string }[] {
  const all = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).flatMap((n) => {
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      return [{ pid: Number(n), ppid: Number(ppid), state: state as string, comm: stat.slice(stat.indexOf('(') + 1, close) }];
    } catch {
      return [];
    }
  });
  const out: { pid: number; state: string; comm: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const p of all.filter((x) => x.ppid === pid)) {
      out.push({ pid: p.pid, state: p.state, comm: p.comm });
      queue.push(p.pid);
    }
  }
  return out;
}

/** `ps` inside the container: [pid, stat, comm] rows. */
async function insidePs(): Promise<string[][]> {
  const r = await exec(['box', 'ps', '-o', 'pid,stat,comm']);
  expect(r.exitCode).toBe(0);
  return r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
}

describe('exec', () => {
  it('sees the payload\'s filesystem, hostname and PID namespace', async () => {
    const r = await exec(['box', 'sh', '-c', 'cat /tmp/marker; hostname; ps -o pid,comm']);
    expect(r.exitCode).toBe(0);
    const [marker, hostname, , ...ps] = r.stdout.trim().split('\n');
    expect(marker).toBe('from-payload');
    expect(hostname).toBe('exec-box');
    const rows = ps.map((l) => l.trim().split(/\s+/));
    expect(rows).toContainEqual(['1', 'tsctr-init']);
    expect(rows).toContainEqual(['2', 'sleep']);
  });

  it('has the payload\'s capabilities, seccomp and no_new_privs; --privileged gets every capability', async () => {
    const fields = /^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):.*$/gm;
    const r = await exec(['box', 'sh', '-c', 'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/2/status; echo ---; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status']);
    const [payload, own] = r.stdout.split('---\n');
    expect(own?.match(fields)).toEqual(payload?.match(fields));
    expect(own).toMatch(/^CapEff:\s+00000000800405fb$/m);
    expect(own).toMatch(/^Seccomp:\s+2$/m);
    const privileged = await exec(['--privileged', 'box', 'grep', '-E', '^(CapEff|Seccomp):', '/proc/self/status']);
    expect(privileged.stdout).not.toMatch(/^CapEff:\s+00000000800405fb$/m);
    expect(privileged.stdout).toMatch(/^Seccomp:\s+0$/m);
  });

  it('-u, -w and -e apply', async () => {
    const r = await exec(['-u', '1000', '-w', '/tmp', '-e', 'GREETING=hi there', 'box', 'sh', '-c', 'id -u; id -g; pwd; echo "$GREETING"; grep CapEff /proc/self/status']);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['1000', '1000', '/tmp', 'hi there']);
    expect(r.stdout).toMatch(/^CapEff:\s+0000000000000000$/m);
  });

  it('passes stdin with -i and propagates exit codes', async () => {
    expect(await tsctr(['exec', '-i', 'box', 'sh', '-c', 'cat; exit 7'], 'piped\n')).toMatchObject({ exitCode: 7, stdout: 'piped\n' });
    const err = await exec(['box', 'sh', '-c', 'echo to-err >&2']);
    expect(err).toMatchObject({ exitCode: 0, stdout: '', stderr: 'to-err\n' });
  });

  it('bad input: missing command 127, not executable 126, unknown or stopped container 125', async () => {
    const missing = await exec(['box', 'no-such-cmd']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('no-such-cmd');
    const notExec = await exec(['box', '/etc/passwd']);
    expect(notExec.exitCode).toBe(126);
    expect(notExec.stderr).toContain('/etc/passwd');
    const unknown = await exec(['nope', 'ls']);
    expect(unknown.exitCode).toBe(125);
    expect(unknown.stderr).toContain('nope');
    expect((await tsctr(['create', '--name', 'stopped', BUSYBOX, 'sleep', '1'])).exitCode).toBe(0);
    const stopped = await exec(['stopped', 'ls']);
    expect(stopped.exitCode).toBe(125);
    expect(stopped.stderr).toContain('container stopped is not running');
  });

  it('exec -d returns while the process runs; it is reaped when it ends', async () => {
    const r = await exec(['-d', 'box', 'sh', '-c', 'echo detached > /tmp/detached; sleep 1']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '' });
    expect((await exec(['box', 'cat', '/tmp/detached'])).stdout).toBe('detached\n');
    await until(insidePs, (rows) => rows.every(([, , comm]) => comm !== 'sh') && rows.every(([, stat]) => !stat?.startsWith('Z')), 'the detached process ending');
  });

  it('50 sequential and 10 concurrent sessions succeed and leave no zombies or strays', async () => {
    const { enginePid } = containerState('box');
    const loop = `for i in $(seq 50); do ${TSCTR_BIN} --root ${store.root} --runroot ${store.runroot} exec box echo "seq-$i" || exit 1; done`;
    const sequential = await runAsTestUser(['sh', '-c', loop], { env: store.env, timeoutMs: 150_000 });
    expect(sequential.exitCode).toBe(0);
    expect(sequential.stdout.trim().split('\n')).toEqual(Array.from({ length: 50 }, (_, i) => `seq-${i + 1}`));
    // An orphan (the background sleep) is adopted and reaped by the container's init.
    const concurrent = await Promise.all(Array.from({ length: 10 }, (_, i) => exec(['box', 'sh', '-c', `sleep 0.2 & echo conc-${i}`])));
    concurrent.forEach((r, i) => expect(r).toMatchObject({ exitCode: 0, stdout: `conc-${i}\n` }));
    const rows = await until(insidePs, (r) => r.length === 3, 'only init, the payload and ps remaining');
    expect(rows.map(([pid, , comm]) => [pid, comm]).slice(0, 2)).toEqual([['1', 'tsctr-init'], ['2', 'sleep']]);
    expect(rows.filter(([, stat]) => stat?.startsWith('Z'))).toEqual([]);
    // From the host: below the engine only the init relay, the container's init and the payload remain.
    const after = await until(async () => hostTree(enginePid), (tree) => tree.length === 3, 'the engine\'s process tree shrinking back to relay, init and payload');
    expect(after.map((p) => p.comm).slice(1)).toEqual(['tsctr-init', 'sleep']);
    expect(after.filter((p) => p.state === 'Z')).toEqual([]);
  });
});

describe('top and diff', () => {
  it('top lists the container\'s processes with podman\'s columns, or chosen descriptors', async () => {
    const r = await tsctr(['top', 'box']);
    expect(r.exitCode).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['USER', 'PID', 'PPID', '%CPU', 'ELAPSED', 'TTY', 'TIME', 'COMMAND']);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 3))).toEqual([['root', '1', '0'], ['root', '2', '1']]);
    expect(rows[1]).toMatch(/sleep 100000$/);
    const custom = await tsctr(['top', 'box', 'pid,comm,user']);
    expect(custom.stdout.trim().split('\n').map((l) => l.split(/\s+/))).toEqual([['PID', 'COMMAND', 'USER'], ['1', 'tsctr-init', 'root'], ['2', 'sleep', 'root']]);
    expect((await tsctr(['top', 'box', 'bogus'])).exitCode).toBe(125);
  });

  it('diff shows added, changed and deleted paths', async () => {
    expect((await exec(['box', 'sh', '-c', 'mkdir /added && touch /added/file && rm /bin/vi && echo x >> /etc/group'])).exitCode).toBe(0);
    const lines = (await tsctr(['diff', 'box'])).stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['A /added', 'A /added/file', 'C /bin', 'D /bin/vi', 'C /etc', 'C /etc/group', 'A /tmp/marker']));
    expect(lines).not.toContain('A /bin/vi');
  });
});

describe('cp', () => {
  const u = () => userInfo(TEST_USER);
  const asUser = (script: string) => runAsTestUser(['sh', '-c', script], { env: store.env });

  /** `mode type target-or-content` per relative path, as find + stat see it. */
  async function describeTree(dir: string, inContainer: boolean): Promise<string[]> {
    const script = `cd ${dir} && find . | sort | while read f; do if [ -L "$f" ]; then echo "$f $(stat -c %a "$f") link $(readlink "$f")"; elif [ -d "$f" ]; then echo "$f $(stat -c %a "$f") dir"; else echo "$f $(stat -c %a "$f") file $(cat "$f")"; fi; done`;
    const r = inContainer ? await exec(['box', 'sh', '-c', script]) : await asUser(script);
    expect(r.exitCode).toBe(0);
    return r.stdout.trim().split('\n');
  }

  it('round-trips a tree with symlinks and modes; files copied in belong to the container\'s root unless -a', async () => {
    const src = path.join(work, 'tree');
    expect((await asUser([
      `mkdir -p ${src}/sub/deep ${src}/private`,
      `echo top > ${src}/top.txt && chmod 640 ${src}/top.txt`,
      `echo tool > ${src}/sub/tool && chmod 4755 ${src}/sub/tool`,
      `echo deep > ${src}/sub/deep/f && chmod 600 ${src}/sub/deep/f`,
      `chmod 700 ${src}/private && chmod 555 ${src}/sub/deep`,
      `ln -s top.txt ${src}/rel-link && ln -s /etc ${src}/etc-link && ln -s missing ${src}/dangling`,
    ].join(' && '))).exitCode).toBe(0);
    const original = await describeTree(src, false);
    expect((await tsctr(['cp', src, 'box:/copied'])).exitCode).toBe(0);
    expect(await describeTree('/copied', true)).toEqual(original);
    const owners = await exec(['box', 'sh', '-c', 'stat -c "%u:%g" /copied /copied/top.txt /copied/rel-link | sort -u']);
    expect(owners.stdout).toBe('0:0\n');
    expect((await tsctr(['cp', 'box:/copied', path.join(work, 'back')])).exitCode).toBe(0);
    expect(await describeTree(path.join(work, 'back'), false)).toEqual(original);
    expect((await tsctr(['cp', '-a', path.join(src, 'top.txt'), 'box:/kept.txt'])).exitCode).toBe(0);
    expect((await exec(['box', 'stat', '-c', '%u:%g', '/kept.txt'])).stdout).toBe(`${u().uid}:${u().gid}\n`);
  });

  it('copies in and out through an engine that has not handed over to the lean monitor', async () => {
    // TSCTR_LEAN_MONITOR=0 keeps the full engine, whose copy code is a bundle of its own (copy-session).
    const full = await runTsctr(['run', '-d', '--name', 'full-engine', BUSYBOX, 'sleep', '100000'], { store, env: { TSCTR_LEAN_MONITOR: '0' } });
    expect(full.exitCode).toBe(0);
    try {
      const f = path.join(work, 'to-full-engine.txt');
      expect((await asUser(`echo via-engine > ${f}`)).exitCode).toBe(0);
      expect((await tsctr(['cp', f, 'full-engine:/tmp/in.txt'])).exitCode).toBe(0);
      expect((await exec(['full-engine', 'cat', '/tmp/in.txt'])).stdout).toBe('via-engine\n');
      expect((await tsctr(['cp', 'full-engine:/tmp/in.txt', path.join(work, 'from-full-engine.txt')])).exitCode).toBe(0);
      expect(fs.readFileSync(path.join(work, 'from-full-engine.txt'), 'utf8')).toBe('via-engine\n');
    } finally {
      await tsctr(['rm', '-f', 'full-engine']);
    }
  });

  it('follows docker cp\'s destination rules (into a directory, to a new name, DIR/. contents)', async () => {
    const f = path.join(work, 'one.txt');
    expect((await asUser(`echo one > ${f}`)).exitCode).toBe(0);
    expect((await tsctr(['cp', f, 'box:/tmp/'])).exitCode).toBe(0);
    expect((await tsctr(['cp', f, 'box:/tmp/renamed.txt'])).exitCode).toBe(0);
    expect((await exec(['box', 'cat', '/tmp/one.txt', '/tmp/renamed.txt'])).stdout).toBe('one\none\n');
    const missingDir = await tsctr(['cp', f, 'box:/no/such/dir/']);
    expect(missingDir.exitCode).toBe(125);
    expect((await tsctr(['cp', 'box:/copied/sub/.', path.join(work, 'contents')])).exitCode).toBe(0);
    expect(fs.readdirSync(path.join(work, 'contents')).sort()).toEqual(['deep', 'tool']);
    const missing = await tsctr(['cp', 'box:/no-such-file', work]);
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toContain('/no-such-file');
  });

  it('a symlink to /etc (or to a host directory) in the container never makes cp write outside it', async () => {
    const hostDir = path.join(work, 'host-target');
    const f = path.join(work, 'payload.txt');
    expect((await asUser(`mkdir ${hostDir} && echo evil > ${f}`)).exitCode).toBe(0);
    expect((await exec(['box', 'sh', '-c', `ln -s /etc /evil && ln -s ${hostDir} /evil-host && mkdir -p /evil-dir && ln -s ${hostDir} /evil-dir/inner`])).exitCode).toBe(0);
    const name = `tsctr-e2e-evil-${process.pid}`;
    expect((await tsctr(['cp', f, `box:/evil/${name}`])).exitCode).toBe(0);
    expect(fs.existsSync(`/etc/${name}`)).toBe(false);
    expect((await exec(['box', 'cat', `/etc/${name}`])).stdout).toBe('evil\n');
    // The host path does not exist inside the container: copying there fails, nothing lands on the host.
    await tsctr(['cp', f, 'box:/evil-host/']);
    await tsctr(['cp', f, 'box:/evil-dir/inner/x']);
    expect(fs.readdirSync(hostDir)).toEqual([]);
    // Copying out through the symlink reads the container's /etc, not the host's.
    const out = path.join(work, 'passwd-out');
    expect((await tsctr(['cp', 'box:/evil/passwd', out])).exitCode).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('user:x:1000');
    expect(fs.readFileSync(out, 'utf8')).not.toContain(TEST_USER);
  });

  it('an archive on stdin cannot climb out through its own symlinks', async () => {
    const hostDir = path.join(work, 'tar-target');
    expect((await asUser(`mkdir ${hostDir} && mkdir -p ${work}/evil-tar && cd ${work}/evil-tar && ln -s ${hostDir} escape && tar cf ../evil1.tar escape && rm escape && mkdir escape && echo pwned > escape/file && tar rf ../evil1.tar escape/file`)).exitCode).toBe(0);
    const r = await runAsTestUser(['sh', '-c', `${TSCTR_BIN} --root ${store.root} --runroot ${store.runroot} cp - box:/tmp < ${work}/evil1.tar`], { env: store.env });
    expect(fs.readdirSync(hostDir)).toEqual([]);
    if (r.exitCode === 0) expect((await exec(['box', 'cat', `/tmp/escape/file`])).exitCode).not.toBe(0);
  });

  it('works on a stopped container, both ways', async () => {
    expect((await tsctr(['run', '--name', 'done', BUSYBOX, 'sh', '-c', 'mkdir /out && echo result > /out/r.txt'])).exitCode).toBe(0);
    expect((await tsctr(['cp', 'done:/out', path.join(work, 'out')])).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(work, 'out', 'r.txt'), 'utf8')).toBe('result\n');
    expect((await tsctr(['cp', path.join(work, 'one.txt'), 'done:/out/'])).exitCode).toBe(0);
    expect(containerState('done').status).toBe('exited');
    expect((await tsctr(['cp', 'done:/out/one.txt', path.join(work, 'one-again.txt')])).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(work, 'one-again.txt'), 'utf8')).toBe('one\n');
  });
});

describe('attach', () => {
  const socket = `/tmp/tsctr-e2e-tmux-exec-${process.pid}`;
  const tmux = (args: string[]) => runAsTestUser(['tmux', '-S', socket, ...args], { env: store.env });
  const screen = async (target: string) => (await tmux(['capture-pane', '-p', '-t', target, '-S', '-50'])).stdout;
  const waitForScreen = (target: string, pattern: RegExp) => until(() => screen(target), (text) => pattern.test(text), `${target} showing ${pattern}`);
  const cli = (args: string) => `${TSCTR_BIN} --root ${store.root} --runroot ${store.runroot} ${args}`;
  afterAll(async () => {
    await tmux(['kill-server']);
    fs.rmSync(socket, { force: true });
  });

  it('exec -it has a working controlling terminal', async () => {
    expect((await tmux(['new-session', '-d', '-s', 'ex', '-x', '100', '-y', '30', `${cli('exec -it box sh')}; echo EXIT-CODE=$?; sleep 600`])).exitCode).toBe(0);
    await waitForScreen('ex', /^\/ #/m);
    await tmux(['send-keys', '-t', 'ex', 'tty; stty size', 'Enter']);
    await waitForScreen('ex', /^\/dev\/pts\/\d+\n30 100$/m);
    await tmux(['send-keys', '-t', 'ex', 'sleep 600', 'Enter']);
    // Ctrl-C must reach sleep, the terminal's foreground job: wait until the shell has started it.
    await until(async () => (await exec(['box', 'ps', '-o', 'args'])).stdout, (out) => /^sleep 600$/m.test(out), 'sleep 600 running');
    await tmux(['send-keys', '-t', 'ex', 'C-c']);
    await tmux(['send-keys', '-t', 'ex', 'echo after-$((40+2))', 'Enter']);
    await waitForScreen('ex', /^after-42$/m);
    await tmux(['send-keys', '-t', 'ex', 'exit 4', 'Enter']);
    await waitForScreen('ex', /EXIT-CODE=4/);
  });

  it('two clients attach to a -d -it shell; the keys detach one and the container keeps running', async () => {
    expect((await tsctr(['run', '-d', '-it', '--name', 'shell', BUSYBOX, 'sh'])).exitCode).toBe(0);
    expect((await tmux(['new-session', '-d', '-s', 'a1', '-x', '100', '-y', '30', `${cli('attach shell')}; echo EXIT-CODE=$?; sleep 600`])).exitCode).toBe(0);
    expect((await tmux(['new-session', '-d', '-s', 'a2', '-x', '100', '-y', '30', `${cli('attach --no-stdin shell')}; echo EXIT-CODE=$?; sleep 600`])).exitCode).toBe(0);
    // Both clients are connected once the engine forwards the first keystrokes' echo to both.
    await until(async () => {
      await tmux(['send-keys', '-t', 'a1', 'echo attached-$((6*7))', 'Enter']);
      return (await screen('a2'));
    }, (text) => /^attached-42$/m.test(text), 'the second client seeing the output');
    await waitForScreen('a1', /^attached-42$/m);
    await tmux(['send-keys', '-t', 'a1', 'C-p', 'C-q']);
    const detached = await waitForScreen('a1', /EXIT-CODE=\d+/);
    expect(detached).toMatch(/EXIT-CODE=0/);
    expect(containerState('shell').status).toBe('running');
    expect((await exec(['shell', 'true'])).exitCode).toBe(0);
  });
});
