/**
 * User-mode networking as the unprivileged user (issue 5): published tcp/udp ports through
 * slirp4netns and pasta, random host ports found with `tsctr port`, -P for EXPOSEd ports, host loopback access, none,
 * container: sharing, two containers on the same inside port, a host port in use, and no network
 * helper left behind after stop, rm, a killed engine or a failed start. Only loopback is used.
 */
import { spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, makeTestStore, runCommand, runTsctr, userInfo, TEST_USER, type RunResult, type TestStore } from './lib';

jest.setTimeout(120_000);

const BUSYBOX = FIXTURES.busybox;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let store: TestStore;
let udpEcho = '';
const tsctr = (args: readonly string[], input?: Buffer) => runTsctr(args, { store, ...(input ? { input, timeoutMs: 90_000 } : {}) });

/** A host port that is free now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** GET through curl (the host's client), retried while the server inside is starting. */
async function curlUntil(url: string, tries = 50): Promise<RunResult> {
  let last: RunResult | undefined;
  for (let i = 0; i < tries; i++) {
    last = await runCommand(['curl', '-s', '-m', '5', url]);
    if (last.exitCode === 0 && last.stdout !== '') return last;
    await sleep(100);
  }
  return last as RunResult;
}

/**
 * A non-loopback IPv4 address of this host. slirp4netns with --disable-host-loopback (the default)
 * drops UDP replies addressed to 127.0.0.1 (libslirp; podman's slirp4netns port handler too, see
 * docs/decisions.md), so the UDP client sends from this address (to 127.0.0.1, still loopback traffic).
 */
function hostAddress(): string | undefined {
  return Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

/** One datagram to 127.0.0.1:port from `source`, retried until a reply arrives. */
async function udpRoundTrip(port: number, text: string, source: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const reply = await new Promise<string | undefined>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.bind(0, source);
      const timer = setTimeout(() => {
        socket.close();
        resolve(undefined);
      }, 300);
      socket.once('message', (msg) => {
        clearTimeout(timer);
        socket.close();
        resolve(msg.toString());
      });
      socket.once('error', () => undefined);
      socket.send(text, port, '127.0.0.1');
    });
    if (reply !== undefined) return reply;
  }
  return undefined;
}

function readProc(pid: string, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Network helpers (slirp4netns, pasta and its `tsctr-shim tie`) started for this store (their
 * environment names its XDG_RUNTIME_DIR), optionally only those aimed at one engine pid.
 */
function helpers(enginePid?: number): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const argv = readProc(pid, 'cmdline').split('\0').filter((a) => a !== '');
    const isHelper = argv[0] === 'slirp4netns' || argv[0] === 'pasta' || (argv[0] === 'tsctr-shim' && argv[1] === 'tie');
    if (!isHelper) continue;
    if (!readProc(pid, 'environ').split('\0').includes(`XDG_RUNTIME_DIR=${store.env.XDG_RUNTIME_DIR}`)) continue;
    const target = argv[argv.length - 1] === 'tap0' ? argv[argv.length - 2] : argv[argv.length - 1];
    if (enginePid === undefined || target === String(enginePid)) found.push(`${pid} ${argv.join(' ')}`);
  }
  return found;
}

async function noHelpersLeft(enginePid?: number): Promise<string[]> {
  for (let i = 0; i < 100 && helpers(enginePid).length > 0; i++) await sleep(50);
  return helpers(enginePid);
}

async function inspect(name: string): Promise<{ State: { Status: string; ConmonPid: number }; NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[]> } }> {
  const result = await tsctr(['inspect', name]);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout)[0];
}

/** Runs httpd in the background serving `body` on each port, the container staying up. */
function httpdArgs(body: string, ports: number[]): string[] {
  return ['sh', '-c', `mkdir /www && echo ${body} > /www/index.html && ${ports.map((p) => `httpd -p ${p} -h /www`).join(' && ')} && exec sleep 1000`];
}

beforeAll(async () => {
  store = makeTestStore();
  for (const image of [BUSYBOX, FIXTURES.web]) expect((await tsctr(['pull', '-q', image])).exitCode).toBe(0);
  udpEcho = path.join(store.dir, 'udp-echo');
  const cc = spawnSync('gcc', ['-static', '-O2', '-o', udpEcho, path.join(__dirname, 'network', 'udp-echo.c')], { encoding: 'utf8' });
  expect(cc.stderr).toBe('');
  const u = userInfo(TEST_USER);
  fs.chownSync(udpEcho, u.uid, u.gid);
});

afterAll(async () => {
  await tsctr(['rm', '-fa']).catch(() => undefined);
  await store.cleanup();
});

describe('slirp4netns (the default network)', () => {
  it('publishes a tcp port, a random host port found with `tsctr port`; ps and inspect show them', async () => {
    const fixed = await freePort();
    const run = await tsctr(['run', '-d', '--name', 'web', '-p', `${fixed}:80`, '-p', '8080', BUSYBOX, ...httpdArgs('hello-web', [80, 8080])]);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });

    expect((await curlUntil(`http://127.0.0.1:${fixed}/`)).stdout).toBe('hello-web\n');

    const port = await tsctr(['port', 'web']);
    expect(port.exitCode).toBe(0);
    expect(port.stdout).toContain(`80/tcp -> 0.0.0.0:${fixed}\n`);
    const random = /^8080\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(port.stdout);
    expect(random).not.toBeNull();
    const randomPort = Number(random?.[1]);
    expect(randomPort).toBeGreaterThan(0);
    expect((await tsctr(['port', 'web', '8080/tcp'])).stdout).toBe(`0.0.0.0:${randomPort}\n`);
    expect((await curlUntil(`http://127.0.0.1:${randomPort}/`)).stdout).toBe('hello-web\n');

    expect((await tsctr(['ps'])).stdout).toMatch(new RegExp(`0\\.0\\.0\\.0:${fixed}->80/tcp, 0\\.0\\.0\\.0:${randomPort}->8080/tcp\\s+web$`, 'm'));
    const info = await inspect('web');
    expect(info.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '', HostPort: String(fixed) }], '8080/tcp': [{ HostIp: '', HostPort: String(randomPort) }] });

    // The generated files name slirp4netns's addresses.
    const etc = await tsctr(['run', '--rm', '--hostname', 'box', '--dns-search', 'example.test', '--dns-option', 'ndots:3', '--add-host', 'db.local:10.1.2.3', BUSYBOX, 'cat', '/etc/hosts', '/etc/resolv.conf']);
    expect(etc.exitCode).toBe(0);
    expect(etc.stdout).toMatch(/^10\.0\.2\.100\tbox /m);
    expect(etc.stdout).toMatch(/^10\.1\.2\.3\tdb\.local$/m);
    expect(etc.stdout).toMatch(/^nameserver 10\.0\.2\.3$/m);
    expect(etc.stdout).toMatch(/^search example\.test$/m);
    expect(etc.stdout).toMatch(/^options ndots:3$/m);
    expect(etc.stdout).not.toContain('host.containers.internal');
    const dns = await tsctr(['run', '--rm', '--dns', '10.9.9.9', BUSYBOX, 'cat', '/etc/resolv.conf']);
    expect(dns.stdout).toMatch(/^nameserver 10\.9\.9\.9$/m);
    expect(dns.stdout).not.toContain('10.0.2.3');
  });

  it('-P publishes the image\'s EXPOSEd ports on random host ports, listed by `tsctr port`', async () => {
    const run = await tsctr(['run', '-d', '-P', '--name', 'exposed', FIXTURES.web]);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    const port = await tsctr(['port', 'exposed']);
    expect(port.exitCode).toBe(0);
    const mapping = /^80\/tcp -> 0\.0\.0\.0:(\d+)\n$/.exec(port.stdout);
    expect(mapping).not.toBeNull();
    const hostPort = Number(mapping?.[1]);
    expect(hostPort).toBeGreaterThan(0);
    expect((await curlUntil(`http://127.0.0.1:${hostPort}/`)).stdout).toBe('hello from the web fixture\n');
    expect((await inspect('exposed')).NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '', HostPort: String(hostPort) }] });
    expect((await tsctr(['rm', '-f', 'exposed'])).exitCode).toBe(0);
  });

  it('publishes a udp port', async () => {
    const port = await freePort();
    const binary = fs.readFileSync(udpEcho);
    // The fixture has no UDP server: a static echo server goes in through stdin.
    const running = tsctr(['run', '-i', '--name', 'udp', '-p', `${port}:5353/udp`, BUSYBOX, 'sh', '-c', 'cat > /tmp/udp-echo && chmod 755 /tmp/udp-echo && exec /tmp/udp-echo 5353'], binary);
    try {
      const source = hostAddress();
      expect(source).toBeDefined();
      expect(await udpRoundTrip(port, 'ping', source as string)).toBe('echo:ping');
      expect((await tsctr(['port', 'udp'])).stdout).toBe(`5353/udp -> 0.0.0.0:${port}\n`);
    } finally {
      await tsctr(['stop', '-t', '0', 'udp']);
      await running;
    }
  });

  it('two containers listening on port 80 inside both answer on their own host ports', async () => {
    const [a, b] = [await freePort(), await freePort()];
    expect((await tsctr(['run', '-d', '--name', 'one', '-p', `${a}:80`, BUSYBOX, ...httpdArgs('first', [80])])).exitCode).toBe(0);
    expect((await tsctr(['run', '-d', '--name', 'two', '-p', `${b}:80`, BUSYBOX, ...httpdArgs('second', [80])])).exitCode).toBe(0);
    expect((await curlUntil(`http://127.0.0.1:${a}/`)).stdout).toBe('first\n');
    expect((await curlUntil(`http://127.0.0.1:${b}/`)).stdout).toBe('second\n');
    expect((await tsctr(['rm', '-f', 'one', 'two'])).exitCode).toBe(0);
  });

  it('reaches the host\'s 127.0.0.1 through 10.0.2.2 only with allow_host_loopback=true', async () => {
    const server = http.createServer((_req, res) => res.end('from-host'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      // (busybox 1.35's wget -T crashes: no timeouts; slirp4netns refuses at once anyway.)
      const denied = await tsctr(['run', '--rm', BUSYBOX, 'wget', '-q', '-O-', `http://10.0.2.2:${port}/`]);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stdout).toBe('');
      expect(denied.stderr).toMatch(/can't connect to remote host \(10\.0\.2\.2\)/);
      const allowed = await tsctr(['run', '--rm', '--network', 'slirp4netns:allow_host_loopback=true', BUSYBOX, 'sh', '-c',
        `wget -q -O- http://10.0.2.2:${port}/ && echo && wget -q -O- http://host.containers.internal:${port}/`]);
      expect(allowed).toMatchObject({ exitCode: 0, stdout: 'from-host\nfrom-host' });
    } finally {
      server.close();
    }
  });
});

describe('other network modes', () => {
  it('--network none has only lo; container:NAME shares the other container\'s interfaces and ports', async () => {
    const none = await tsctr(['run', '--rm', '--network', 'none', BUSYBOX, 'ls', '/sys/class/net']);
    expect(none).toMatchObject({ exitCode: 0, stdout: 'lo\n' });

    expect((await tsctr(['run', '-d', '--name', 'srv', BUSYBOX, ...httpdArgs('shared', [8080])])).exitCode).toBe(0);
    const client = await tsctr(['run', '--rm', '--network', 'container:srv', BUSYBOX, 'sh', '-c',
      'ls /sys/class/net; for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1']);
    expect(client).toMatchObject({ exitCode: 0, stdout: 'lo\ntap0\nshared\n' });
    expect((await tsctr(['run', '--rm', '--network', 'container:srv', '-p', '9999:80', BUSYBOX, 'true'])).stderr).toMatch(/cannot publish ports with --network container:srv/);
    expect((await tsctr(['rm', '-f', 'srv'])).exitCode).toBe(0);
  });

  it('pasta passes the same publish test and leaves nothing behind', async () => {
    const port = await freePort();
    expect((await tsctr(['run', '-d', '--name', 'pweb', '--network', 'pasta', '-p', `${port}:80`, BUSYBOX, ...httpdArgs('hello-pasta', [80])])).exitCode).toBe(0);
    expect((await curlUntil(`http://127.0.0.1:${port}/`)).stdout).toBe('hello-pasta\n');
    const enginePid = (await inspect('pweb')).State.ConmonPid;
    expect(helpers(enginePid).length).toBe(2); // tsctr-shim tie and pasta
    expect((await tsctr(['stop', '-t', '1', 'pweb'])).exitCode).toBe(0);
    expect(await noHelpersLeft(enginePid)).toEqual([]);
    expect((await tsctr(['rm', 'pweb'])).exitCode).toBe(0);
  });
});

describe('helpers are never left behind', () => {
  it('after stop and after rm -f', async () => {
    for (const end of [['stop', '-t', '1'], ['rm', '-f']]) {
      const id = (await tsctr(['run', '-d', '-p', `${await freePort()}:80`, BUSYBOX, 'sleep', '1000'])).stdout.trim();
      const enginePid = (await inspect(id)).State.ConmonPid;
      expect(helpers(enginePid).length).toBe(1);
      expect((await tsctr([...end, id])).exitCode).toBe(0);
      expect(await noHelpersLeft(enginePid)).toEqual([]);
      await tsctr(['rm', '-f', id]);
    }
  });

  it('after the engine is killed; and a killed helper stops its container', async () => {
    const id = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    const enginePid = (await inspect(id)).State.ConmonPid;
    expect(helpers(enginePid).length).toBe(1);
    process.kill(enginePid, 'SIGKILL');
    expect(await noHelpersLeft(enginePid)).toEqual([]);

    const other = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    const otherEngine = (await inspect(other)).State.ConmonPid;
    const [helper] = helpers(otherEngine);
    process.kill(Number(helper?.split(' ')[0]), 'SIGKILL');
    expect((await tsctr(['wait', other])).stdout).toMatch(/^\d+\n$/);
    expect((await inspect(other)).State.Status).toBe('exited');
    await tsctr(['rm', '-f', id, other]);
  });

  it('a helper that fails while the engine starts: its output and exit status, exit 125, no engine, helper or container left', async () => {
    const fakeDir = path.join(store.dir, 'fake-slirp');
    fs.mkdirSync(fakeDir, { recursive: true });
    fs.writeFileSync(path.join(fakeDir, 'slirp4netns'), '#!/bin/sh\necho "fake slirp4netns: no tap today" >&2\nexit 3\n', { mode: 0o755 });
    const u = userInfo(TEST_USER);
    for (const f of [fakeDir, path.join(fakeDir, 'slirp4netns')]) fs.chownSync(f, u.uid, u.gid);
    const engines = (): string[] => fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => readProc(pid, 'cmdline').includes('engine-main')
      && readProc(pid, 'environ').split('\0').includes(`XDG_RUNTIME_DIR=${store.env.XDG_RUNTIME_DIR}`));
    const before = { engines: engines(), helpers: helpers() };
    const run = await runTsctr(['run', '--rm', '--name', 'nohelper', BUSYBOX, 'true'], { store, env: { PATH: `${fakeDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` } });
    expect(run.exitCode).toBe(125);
    expect(run.stderr).toContain('slirp4netns exited before the network was ready (exit status 3)');
    expect(run.stderr).toContain('fake slirp4netns: no tap today');
    for (let i = 0; i < 100 && engines().length > before.engines.length; i++) await sleep(50);
    expect(engines()).toEqual(before.engines);
    expect(helpers()).toEqual(before.helpers);
    expect((await tsctr(['ps', '-a', '--format', '{{.Names}}'])).stdout).not.toMatch(/^nohelper$/m);
  });

  it('a host port in use fails the start with a clear message, nothing running, the container still created', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
    const { port } = busy.address() as net.AddressInfo;
    try {
      const before = helpers();
      const run = await tsctr(['run', '-d', '--name', 'clash', '-p', `${port}:80`, BUSYBOX, 'sleep', '1000']);
      expect(run.exitCode).toBe(125);
      expect(run.stderr).toContain(`host port 0.0.0.0:${port}/tcp is already in use`);
      expect((await tsctr(['ps', '-a', '--format', '{{.Names}}'])).stdout).not.toMatch(/^clash$/m);

      expect((await tsctr(['create', '--name', 'clash2', '-p', `${port}:80`, BUSYBOX, 'sleep', '1000'])).exitCode).toBe(0);
      const start = await tsctr(['start', 'clash2']);
      expect(start.exitCode).toBe(125);
      expect(start.stderr).toContain('already in use');
      expect((await inspect('clash2')).State).toMatchObject({ Status: 'created', ConmonPid: 0 });
      expect(helpers()).toEqual(before);
      expect((await tsctr(['rm', 'clash2'])).exitCode).toBe(0);
    } finally {
      busy.close();
    }
  });
});
