/**
 * `tsctr unshare` as an unprivileged user: the default mapping, root inside, owners on the host,
 * and the error for a user without subordinate ids. Users come from e2e/setup (system.sh).
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', 'packages', 'cli', 'bin', 'tsctr');
const TEST_USER = 'tsctr-test';
const NOSUB_USER = 'tsctr-nosub';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

// TODO: switch to the shared e2e/lib helper once it exists.
function tsctrAs(user: string, args: readonly string[]): CliResult {
  const r = spawnSync('runuser', ['-u', user, '--', process.execPath, CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
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

  it('propagates the exit code', () => {
    expect(tsctrAs(TEST_USER, ['unshare', 'sh', '-c', 'exit 42']).status).toBe(42);
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
