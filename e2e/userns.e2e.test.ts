/**
 * `tsctr unshare` as an unprivileged user: the default mapping, root inside, owners on the host,
 * and the error for a user without subordinate ids. Users come from e2e/setup (system.sh).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { INSTALLED_SHIM, NOSUB_USER, TEST_USER, TSCTR_BIN } from './lib';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Synchronous on purpose: these tests check exact stdio and status of one short command each. */
function tsctrAs(user: string, args: readonly string[]): CliResult {
  const r = spawnSync('runuser', ['-u', user, '--', TSCTR_BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function idOf(user: string, flag: '-u' | '-g'): number {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user ${user} is missing: run e2e/setup/setup.sh first`);
  return Number(r.stdout.trim());
}

function firstSubordinateId(file: string, user: string, uid: number): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`) || l.startsWith(`${uid}:`));
  if (!line) throw new Error(`${user} has no range in ${file}: run e2e/setup/setup.sh first`);
  return Number(line.split(':')[1]);
}

describe('tsctr unshare', () => {
  const uid = idOf(TEST_USER, '-u');
  const gid = idOf(TEST_USER, '-g');
  const subuid = firstSubordinateId('/etc/subuid', TEST_USER, uid);
  const subgid = firstSubordinateId('/etc/subgid', TEST_USER, uid);

  it('maps container 0 to the user and 1.. to the subordinate range', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'cat', '/proc/self/uid_map', '/proc/self/gid_map']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual([`0 ${uid} 1`, `1 ${subuid} 65536`, `0 ${gid} 1`, `1 ${subgid} 65536`]);
  });

  it('runs the command as root of the namespace', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'id', '-u']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('0\n');
  });

  it('gives the command its own mount namespace', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'readlink', '/proc/self/ns/mnt']);
    expect(r.status).toBe(0);
    const inside = r.stdout.trim();
    expect(inside).toMatch(/^mnt:\[\d+\]$/);
    expect(inside).not.toBe(readlinkSync('/proc/self/ns/mnt'));
  });

  it('passes the command words verbatim (no option or number parsing)', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'printf', '%s|', '007', '0x10', '--help', '-c']);
    expect(r.stdout).toBe('007|0x10|--help|-c|');
  });

  it('propagates the exit code', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'sh', '-c', 'exit 42']);
    expect(r.status).toBe(42);
  });

  it('reports a missing command with 127', () => {
    const r = tsctrAs(TEST_USER, ['unshare', 'tsctr-no-such-command']);
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/tsctr-no-such-command: command not found/);
  });

  it('creates files owned by subordinate ids on the host', () => {
    const dir = mkdtempSync('/tmp/tsctr-userns-');
    try {
      chownSync(dir, uid, gid);
      const file = path.join(dir, 'owned-by-1');
      const r = tsctrAs(TEST_USER, ['unshare', 'sh', '-c', `touch ${file} && chown 1:1 ${file} && stat -c %u:%g ${file}`]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('1:1\n');
      const st = statSync(file);
      expect([st.uid, st.gid]).toEqual([subuid, subgid]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a newuidmap that refuses the map with its own words and the fix (exit 125)', () => {
    // A newuidmap earlier in PATH that refuses, as the real one does for a range /etc/subuid does not grant.
    const dir = mkdtempSync('/tmp/tsctr-e2e-idmap-');
    try {
      chmodSync(dir, 0o755);
      const fake = path.join(dir, 'newuidmap');
      writeFileSync(fake, '#!/bin/sh\necho "newuidmap: uid range [0-1) -> [$3-$(($3 + 1))) not allowed" >&2\nexit 1\n', { mode: 0o755 });
      const r = spawnSync('runuser', ['-u', TEST_USER, '--', 'env', `PATH=${dir}:/usr/bin:/bin`, TSCTR_BIN, 'unshare', 'true'], { encoding: 'utf8', cwd: '/' });
      expect(r.status).toBe(125);
      expect(r.stderr).toMatch(new RegExp(`^Error: newuidmap \\d+ 0 ${uid} 1 1 ${subuid} 65536 failed: newuidmap: uid range \\[0-1\\) -> \\[${uid}-${uid + 1}\\) not allowed: check that /etc/subuid grants these ranges to your user and that ${fake} is setuid root`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells a user without subordinate ids how to add them (exit 125)', () => {
    idOf(NOSUB_USER, '-u');
    const r = tsctrAs(NOSUB_USER, ['unshare', 'id']);
    expect(r.status).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: no subordinate uid range for user "${NOSUB_USER}" in /etc/subuid: add one with ` +
        `"sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${NOSUB_USER}"\n`,
    );
  });
});

/**
 * tsctr-shim init driven by hand the way the engine will: inside `tsctr unshare` (root of a user
 * namespace with its own mount namespace), over a busybox rootfs. The full path comes with `tsctr run`.
 */
describe('tsctr-shim init', () => {
  const SHIM = INSTALLED_SHIM;
  const uid = idOf(TEST_USER, '-u');
  const gid = idOf(TEST_USER, '-g');
  let work: string;
  let rootfs: string;

  beforeAll(() => {
    work = mkdtempSync('/tmp/tsctr-shim-init-');
    rootfs = path.join(work, 'rootfs');
    for (const dir of ['bin', 'proc', 'dev', 'sys', 'tmp']) mkdirSync(path.join(rootfs, dir), { recursive: true });
    copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'ps', 'id', 'cat', 'grep', 'sleep', 'kill']) symlinkSync('busybox', path.join(rootfs, 'bin', applet));
    copyFileSync('/dev/null', path.join(rootfs, 'dev', 'null')); // a mount point for the host's /dev/null
    spawnSync('chown', ['-R', `${uid}:${gid}`, work]);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs `tsctr-shim init FLAGS -- ARGV`; the payload's stdout/stderr are the CLI's. */
  function init(flags: readonly string[], argv: readonly string[]): CliResult & { statusLines: string[]; errorText: string } {
    const script = [
      'set -e',
      'R=$1; OUT=$2; SHIM=$3; shift 3',
      'mount --bind "$R" "$R"',
      'mount --bind /dev/null "$R/dev/null"',
      'set +e',
      '"$SHIM" init --rootfs "$R" --status-fd 3 --error-fd 4 "$@" 3>"$OUT/status" 4>"$OUT/errors"',
    ].join('\n');
    const r = tsctrAs(TEST_USER, ['unshare', 'sh', '-c', script, 'sh', rootfs, work, SHIM, '--env', 'PATH=/bin', ...flags, '--', ...argv]);
    return {
      ...r,
      statusLines: readFileSync(path.join(work, 'status'), 'utf8').trim().split('\n'),
      errorText: readFileSync(path.join(work, 'errors'), 'utf8'),
    };
  }

  it('runs the payload as PID 2 under a tiny init, in its own PID namespace', () => {
    const r = init([], ['sh', '-c', 'echo $$; ps -o pid,comm']);
    expect(r.status).toBe(0);
    const [payloadPid, , ...ps] = r.stdout.trim().split('\n');
    expect(payloadPid).toBe('2');
    expect(ps.map((l) => l.trim().split(/\s+/))).toEqual([
      ['1', 'tsctr-init'],
      ['2', 'ps'],
    ]);
    expect(r.statusLines[0]).toMatch(/^pid \d+$/);
    expect(r.statusLines[1]).toBe('exit 0');
    expect(r.errorText).toBe('');
  });

  it('gives the payload PID 1 with --no-init', () => {
    expect(init(['--no-init'], ['sh', '-c', 'echo $$']).stdout).toBe('1\n');
  });

  it('reports the exit code and a signal death of the payload', () => {
    const exit = init([], ['sh', '-c', 'exit 42']);
    expect(exit.status).toBe(42);
    expect(exit.statusLines[1]).toBe('exit 42');
    const killed = init([], ['sh', '-c', 'kill -TERM $$; sleep 5']);
    expect(killed.statusLines[1]).toBe('signal 15');
    expect(killed.status).toBe(143);
  });

  it('writes 127 and 126 lines on the error fd', () => {
    const missing = init([], ['tsctr-missing']);
    expect(missing.status).toBe(127);
    expect(missing.errorText).toBe('127 tsctr-missing: executable file not found in $PATH\n');
    const notExecutable = init([], ['/dev/null']);
    expect(notExecutable.status).toBe(126);
    expect(notExecutable.errorText).toMatch(/^126 exec \/dev\/null: Permission denied\n$/);
  });

  it('applies user, groups, capabilities and no_new_privs', () => {
    // A non-root payload keeps capabilities across exec only through the ambient set.
    const caps = ['--cap-bounding', '400', '--cap-permitted', '400', '--cap-effective', '400', '--cap-inheritable', '400', '--cap-ambient', '400'];
    const r = init(['--uid', '1000', '--gid', '1000', '--groups', '10,20', ...caps, '--no-new-privs'], ['sh', '-c', 'id; grep -E "^(CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status']);
    expect(r.errorText).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'uid=1000 gid=1000 groups=10,20',
      'CapEff:\t0000000000000400',
      'CapBnd:\t0000000000000400',
      'CapAmb:\t0000000000000400',
      'NoNewPrivs:\t1',
    ]);
  });

  it('makes --readonly paths read-only and hides the old root', () => {
    const r = init(['--readonly', '/proc/sys'], ['sh', '-c', 'echo x > /proc/sys/kernel/hostname; ls /work 2>&1']);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(r.stdout).toMatch(/No such file or directory/);
  });
});
