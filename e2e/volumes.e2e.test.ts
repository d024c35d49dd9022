/**
 * Volumes and mounts as the unprivileged user: bind mounts (rw, ro, owners under the default mapping
 * and keep-id, :U, :O), named and anonymous volumes (pre-fill, persistence, volume commands, in-use
 * refusal, prune), tmpfs sizes, --read-only, mount targets that are symlinks out of the rootfs, and
 * bad input refused before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FIXTURES, TEST_USER, makeTestStore, runTsctr, userInfo, type TestStore } from './lib';

jest.setTimeout(120_000);

const BUSYBOX = FIXTURES.busybox;
const SYMLINKS = FIXTURES.symlinks;

let store: TestStore;
const tsctr = (args: readonly string[]) => runTsctr(args, { store });
const user = userInfo(TEST_USER);

beforeAll(async () => {
  store = makeTestStore();
  for (const image of [BUSYBOX, SYMLINKS]) {
    const pulled = await tsctr(['pull', '-q', image]);
    expect(pulled.exitCode).toBe(0);
  }
});
afterAll(async () => store.cleanup());

function subordinateStart(file: string): number {
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${user.name}:`) || l.startsWith(`${user.uid}:`));
  if (!line) throw new Error(`${TEST_USER} has no range in ${file}`);
  return Number(line.split(':')[1]);
}

/** A directory of the test user's own (as a developer's source tree would be), with one file. */
function hostDir(name: string): string {
  const dir = path.join(store.dir, `${name}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'from the host\n');
  for (const p of [dir, path.join(dir, 'hello.txt')]) fs.chownSync(p, user.uid, user.gid);
  return dir;
}

async function containerNames(): Promise<string> {
  return (await tsctr(['ps', '-a', '--format', '{{.Names}}'])).stdout;
}

async function volumeNames(): Promise<string[]> {
  const r = await tsctr(['volume', 'ls', '-q']);
  expect(r.exitCode).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('bind mounts', () => {
  it('a host dir is readable and writable; a file written inside is the user\'s on the host (default mapping)', async () => {
    const dir = hostDir('rw');
    const r = await tsctr(['run', '--rm', '-v', `${dir}:/src`, BUSYBOX, 'sh', '-c', 'cat /src/hello.txt; stat -c %u /src/hello.txt; echo made-inside > /src/out.txt']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'from the host\n0\n' });
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('made-inside\n');
    expect(fs.statSync(path.join(dir, 'out.txt'))).toMatchObject({ uid: user.uid, gid: user.gid });
  });

  it('a file written as uid 1000 inside is owned by the matching subordinate id on the host', async () => {
    const dir = hostDir('uid');
    fs.chmodSync(dir, 0o777);
    const r = await tsctr(['run', '--rm', '-u', '1000:1000', '-v', `${dir}:/src`, BUSYBOX, 'touch', '/src/by-1000']);
    expect(r.exitCode).toBe(0);
    expect(fs.statSync(path.join(dir, 'by-1000')).uid).toBe(subordinateStart('/etc/subuid') + 999);
  });

  it(':ro makes writes fail with EROFS, and a single file can be bound', async () => {
    const dir = hostDir('ro');
    const r = await tsctr(['run', '--rm', '-v', `${dir}:/src:ro`, '-v', `${path.join(dir, 'hello.txt')}:/etc/motd`, BUSYBOX, 'sh', '-c', 'cat /etc/motd; echo x > /src/nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('from the host\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('with --userns=keep-id the host file shows as the user\'s uid and a new file belongs to the user', async () => {
    const dir = hostDir('keepid');
    const r = await tsctr(['run', '--rm', '--userns=keep-id', '-v', `${dir}:/src`, BUSYBOX, 'sh', '-c', 'id -u; stat -c %u /src/hello.txt; touch /src/by-keep-id']);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${user.uid}\n${user.uid}\n` });
    expect(fs.statSync(path.join(dir, 'by-keep-id'))).toMatchObject({ uid: user.uid, gid: user.gid });
  });

  it(':U gives the source tree to the container user through the user namespace', async () => {
    const dir = hostDir('chown');
    const r = await tsctr(['run', '--rm', '-u', '1000:1000', '-v', `${dir}:/src:U`, BUSYBOX, 'sh', '-c', 'stat -c %u:%g /src /src/hello.txt; echo mine > /src/hello.txt']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '1000:1000\n1000:1000\n' });
    const sub = subordinateStart('/etc/subuid') + 999;
    expect(fs.statSync(path.join(dir, 'hello.txt')).uid).toBe(sub);
    expect(fs.statSync(dir).uid).toBe(sub);
  });

  it(':O shows the source, takes writes, and throws them away: the host dir is unchanged', async () => {
    const dir = hostDir('overlay');
    const first = await tsctr(['run', '--rm', '-v', `${dir}:/src:O`, BUSYBOX, 'sh', '-c', 'cat /src/hello.txt; echo changed > /src/hello.txt; touch /src/new; rm /src/hello.txt; ls /src']);
    expect(first).toMatchObject({ exitCode: 0, stdout: 'from the host\nnew\n' });
    expect(fs.readdirSync(dir)).toEqual(['hello.txt']);
    expect(fs.readFileSync(path.join(dir, 'hello.txt'), 'utf8')).toBe('from the host\n');
    const second = await tsctr(['run', '--rm', '-v', `${dir}:/src:O`, BUSYBOX, 'ls', '/src']);
    expect(second).toMatchObject({ exitCode: 0, stdout: 'hello.txt\n' });
  });

  it('noexec and nodev apply; inspect lists the mounts podman-style', async () => {
    const dir = hostDir('flags');
    const name = `flags-${randomBytes(3).toString('hex')}`;
    const created = await tsctr(['create', '--name', name, '-v', `${dir}:/src:ro,noexec,nodev,z`, '-v', 'named-in-inspect:/data', '--tmpfs', '/scratch:size=2m', BUSYBOX, 'sh', '-c', 'grep " /src " /proc/self/mountinfo']);
    expect(created.exitCode).toBe(0);
    const started = await tsctr(['start', '-a', name]);
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toMatch(/ \/src ro,nodev,noexec/);
    const inspected = JSON.parse((await tsctr(['inspect', name])).stdout) as { Mounts: Record<string, unknown>[] }[];
    const mounts = inspected[0]?.Mounts ?? [];
    expect(mounts).toEqual([
      expect.objectContaining({ Type: 'bind', Source: dir, Destination: '/src', RW: false, Mode: 'z', Propagation: 'rprivate' }),
      expect.objectContaining({ Type: 'volume', Name: 'named-in-inspect', Source: path.join(store.root, 'volumes', 'named-in-inspect', '_data'), Destination: '/data', Driver: 'local', RW: true }),
      expect.objectContaining({ Type: 'tmpfs', Destination: '/scratch', RW: true, Options: expect.arrayContaining(['size=2m']) }),
    ]);
    expect((await tsctr(['rm', name])).exitCode).toBe(0);
    expect((await tsctr(['volume', 'rm', 'named-in-inspect'])).exitCode).toBe(0);
  });
});

describe('named volumes', () => {
  it('are created on first use, pre-filled from the image path with its owners, and keep data across containers', async () => {
    const first = await tsctr(['run', '--rm', '-v', 'homes:/home', BUSYBOX, 'sh', '-c', 'stat -c %u:%g /home/user; echo kept > /home/note']);
    expect(first).toMatchObject({ exitCode: 0, stdout: '1000:1000\n' });
    const second = await tsctr(['run', '--rm', '-v', 'homes:/mnt', BUSYBOX, 'sh', '-c', 'cat /mnt/note; ls /mnt']);
    expect(second).toMatchObject({ exitCode: 0, stdout: 'kept\nnote\nuser\n' });
    const data = path.join(store.root, 'volumes', 'homes', '_data');
    expect(fs.statSync(path.join(data, 'user')).uid).toBe(subordinateStart('/etc/subuid') + 999);
  });

  it('a volume that already has content is not pre-filled; nocopy skips the copy', async () => {
    expect((await tsctr(['volume', 'create', 'used-first'])).stdout).toBe('used-first\n');
    expect((await tsctr(['run', '--rm', '-v', 'used-first:/nothing-here', BUSYBOX, 'touch', '/nothing-here/marker'])).exitCode).toBe(0);
    expect((await tsctr(['run', '--rm', '-v', 'used-first:/etc', BUSYBOX, 'ls', '/etc'])).stdout).not.toMatch(/passwd/);
    expect((await tsctr(['run', '--rm', '-v', 'nocopy-vol:/etc:nocopy', BUSYBOX, 'ls', '/etc'])).stdout).not.toMatch(/passwd/);
    expect((await tsctr(['volume', 'rm', 'used-first', 'nocopy-vol'])).exitCode).toBe(0);
  });

  it('volume create, ls, inspect --format json', async () => {
    expect((await tsctr(['volume', 'create', '--label', 'team=a', 'listed'])).exitCode).toBe(0);
    const again = await tsctr(['volume', 'create', 'listed']);
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toMatch(/volume with name listed already exists/);
    const ls = JSON.parse((await tsctr(['volume', 'ls', '--format', 'json'])).stdout) as { Name: string }[];
    expect(ls.map((v) => v.Name)).toContain('listed');
    const inspected = JSON.parse((await tsctr(['volume', 'inspect', 'listed'])).stdout) as Record<string, unknown>[];
    expect(inspected).toEqual([expect.objectContaining({ Name: 'listed', Driver: 'local', Scope: 'local', Labels: { team: 'a' }, Mountpoint: path.join(store.root, 'volumes', 'listed', '_data') })]);
    expect((await tsctr(['volume', 'inspect', '--format', '{{.Mountpoint}}', 'listed'])).stdout).toBe(`${path.join(store.root, 'volumes', 'listed', '_data')}\n`);
    const missing = await tsctr(['volume', 'inspect', 'no-such-volume']);
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toMatch(/no such volume/);
    expect((await tsctr(['volume', 'rm', 'listed'])).exitCode).toBe(0);
  });

  it('rm of a volume in use (by a stopped container too) fails naming the container; -f removes both', async () => {
    const id = (await tsctr(['create', '-v', 'busy:/data', BUSYBOX, 'true'])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const refused = await tsctr(['volume', 'rm', 'busy']);
    expect(refused.exitCode).toBe(125);
    expect(refused.stderr).toContain(`volume busy is being used by the following container(s): ${id}`);
    expect(await volumeNames()).toContain('busy');
    expect((await tsctr(['volume', 'rm', '-f', 'busy'])).exitCode).toBe(0);
    expect(await volumeNames()).not.toContain('busy');
    expect((await tsctr(['ps', '-a', '-q', '--no-trunc'])).stdout).not.toContain(id);
  });

  it('survive rm of the container; prune removes only the unused ones', async () => {
    const keeper = `keeper-${randomBytes(3).toString('hex')}`;
    expect((await tsctr(['run', '--name', keeper, '-v', 'kept-vol:/data', BUSYBOX, 'touch', '/data/x'])).exitCode).toBe(0);
    expect((await tsctr(['run', '--rm', '-v', 'orphan-vol:/data', BUSYBOX, 'touch', '/data/x'])).exitCode).toBe(0);
    expect((await tsctr(['volume', 'create', 'empty-vol'])).exitCode).toBe(0);
    const pruned = await tsctr(['volume', 'prune', '-f']);
    expect(pruned.exitCode).toBe(0);
    expect(pruned.stdout.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['empty-vol', 'orphan-vol']));
    const left = await volumeNames();
    expect(left).toContain('kept-vol');
    expect(left).not.toContain('orphan-vol');
    expect(left).not.toContain('empty-vol');
    expect((await tsctr(['rm', keeper])).exitCode).toBe(0);
    expect(await volumeNames()).toContain('kept-vol');
    expect((await tsctr(['volume', 'rm', 'kept-vol'])).exitCode).toBe(0);
  });

  it('anonymous volumes (-v /path) go with rm -v and with --rm', async () => {
    const before = await volumeNames();
    const id = (await tsctr(['create', '-v', '/anon', BUSYBOX, 'touch', '/anon/x'])).stdout.trim();
    expect((await tsctr(['start', '-a', id])).exitCode).toBe(0);
    const added = (await volumeNames()).filter((n) => !before.includes(n));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[0-9a-f]{64}$/);
    expect((await tsctr(['rm', '-v', id])).exitCode).toBe(0);
    expect(await volumeNames()).toEqual(before);
    expect((await tsctr(['run', '--rm', '-v', '/anon2', BUSYBOX, 'touch', '/anon2/x'])).exitCode).toBe(0);
    expect(await volumeNames()).toEqual(before);
  });
});

describe('tmpfs and --read-only', () => {
  it('--tmpfs /scratch:size=1m enforces its size', async () => {
    const r = await tsctr(['run', '--rm', '--tmpfs', '/scratch:size=1m', BUSYBOX, 'sh', '-c', 'dd if=/dev/zero of=/scratch/f bs=1024 count=2048 2>/dev/null; echo rc=$?; stat -c %s /scratch/f']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^rc=1\n1048576\n$/);
  });

  it('--mount type=tmpfs takes tmpfs-size and tmpfs-mode; tmpfs is noexec by default', async () => {
    const r = await tsctr(['run', '--rm', '--mount', 'type=tmpfs,destination=/t,tmpfs-size=512k,tmpfs-mode=0700', BUSYBOX, 'sh', '-c', 'stat -c %a /t; df -k /t | tail -1; cp /bin/busybox /t/bb 2>/dev/null; /t/bb true; echo exec=$?']);
    expect(r.exitCode).toBe(0);
    const [mode, df, exec] = r.stdout.trim().split('\n');
    expect(mode).toBe('700');
    expect(df?.split(/\s+/)[1]).toBe('512');
    expect(exec).toBe('exec=126');
  });

  it('--read-only blocks writes outside tmpfs; /tmp, /var/tmp and /run stay writable', async () => {
    const r = await tsctr(['run', '--rm', '--read-only', BUSYBOX, 'sh', '-c', 'touch /root-file 2>&1; touch /tmp/a /var/tmp/b /run/c && echo tmpfs-ok']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Read-only file system/);
    expect(r.stdout).toMatch(/tmpfs-ok\n$/);
  });

  it('--read-only-tmpfs=false leaves /tmp read-only; a volume stays writable', async () => {
    const r = await tsctr(['run', '--rm', '--read-only', '--read-only-tmpfs=false', '-v', 'ro-rootfs-vol:/data', BUSYBOX, 'sh', '-c', 'touch /tmp/a 2>&1; touch /data/ok && echo volume-ok']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/touch: \/tmp\/a: Read-only file system\nvolume-ok\n/);
    expect((await tsctr(['volume', 'rm', 'ro-rootfs-vol'])).exitCode).toBe(0);
  });
});

describe('mount targets that are symlinks in the image', () => {
  it('/data -> /etc: the mount lands on the container\'s own /etc, inside the rootfs', async () => {
    const dir = hostDir('symlink');
    const r = await tsctr(['run', '--rm', '-v', `${dir}:/data`, SYMLINKS, 'sh', '-c', 'ls /etc; grep -c " /etc " /proc/self/mountinfo']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello.txt\n1\n' });
    expect(fs.readdirSync(dir)).toEqual(['hello.txt']);
  });

  it('/up -> ../../../../../../../../tmp cannot climb out: the mount point is made in the container\'s /tmp', async () => {
    const dir = hostDir('escape');
    const marker = `tsctr-escape-${randomBytes(6).toString('hex')}`;
    const r = await tsctr(['run', '--rm', '-v', `${dir}:/up/${marker}`, SYMLINKS, 'cat', `/tmp/${marker}/hello.txt`]);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'from the host\n' });
    expect(fs.existsSync(path.join('/tmp', marker))).toBe(false);
  });

  it('a named volume on /data gets the container\'s /etc as its first content, not the host\'s', async () => {
    const r = await tsctr(['run', '--rm', '-v', 'via-link:/data', SYMLINKS, 'cat', '/etc/passwd']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(store.root, 'volumes', 'via-link', '_data', 'passwd'), 'utf8'));
    expect(r.stdout).toMatch(/^root:x:0:0:root:\/root:\/bin\/sh\nnobody:x:65534:65534:nobody:\/nonexistent:\/bin\/false\nuser:x:1000:1000:user:\/home\/user:\/bin\/sh\n$/);
    expect((await tsctr(['volume', 'rm', 'via-link'])).exitCode).toBe(0);
  });
});

describe('bad input: exit 125, a clear message, nothing created', () => {
  const dir = (): string => hostDir('bad');

  it.each([
    [['-v', './relative:/x'], /relative host path "\.\/relative".*absolute/],
    [['-v', '/no/such/host/path:/x'], /bind mount source \/no\/such\/host\/path .*does not exist/],
    [['-v', '__DIR__:/x:frobnicate'], /unknown option "frobnicate"/],
    [['-v', '__DIR__:/x:rshared'], /propagation "rshared".*not supported/],
    [['-v', '__DIR__:relative'], /invalid container path "relative".*absolute/],
    [['--mount', 'type=bind,src=__DIR__'], /missing destination/],
    [['--mount', 'type=nfs,dst=/x'], /invalid mount type "nfs"/],
    [['--tmpfs', '/scratch:size=lots'], /invalid tmpfs size "lots"/],
    [['-v', '__DIR__:/x', '--tmpfs', '/x'], /duplicate mount destination \/x/],
    [['-v', 'new-vol-never-made:/x', '-v', '/nope-src:/y'], /\/nope-src .*does not exist/],
  ])('%j', async (flags, message) => {
    const d = dir();
    const r = await tsctr(['create', ...flags.map((f) => f.replace('__DIR__', d)), BUSYBOX, 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(message);
    expect(await containerNames()).not.toMatch(/\S/);
    expect(await volumeNames()).not.toContain('new-vol-never-made');
  });

  it('a name in use: the volumes -v would create are not left behind, existing ones are kept', async () => {
    const taken = await tsctr(['create', '--name', 'taken', '-v', 'kept-vol:/k', BUSYBOX, 'true']);
    expect(taken.exitCode).toBe(0);
    const before = await volumeNames();
    expect(before).toContain('kept-vol');
    const r = await tsctr(['create', '--name', 'taken', '-v', 'kept-vol:/k', '-v', 'newvol-of-taken:/x', '-v', '/anon', BUSYBOX, 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/the container name "taken" is already in use/);
    expect((await volumeNames()).sort()).toEqual(before.sort());
    expect((await tsctr(['rm', '-v', 'taken'])).exitCode).toBe(0);
    expect((await tsctr(['volume', 'rm', 'kept-vol'])).exitCode).toBe(0);
  });

  it('a destination that is a regular file in the image cannot take a directory', async () => {
    const r = await tsctr(['run', '--rm', '-v', `${dir()}:/etc/passwd`, BUSYBOX, 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/\/etc\/passwd is a file, expected a directory/);
  });
});
