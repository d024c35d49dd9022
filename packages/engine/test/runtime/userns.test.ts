import { TsctrError } from '../../src/errors';
import { idMapFailure, launchArgs, launchFailure, shimIdMap } from '../../src/runtime/userns';
import { waitForIdMaps } from '../../src/runtime/id-maps-ready';

const MAPPINGS = {
  uidMap: [
    { containerId: 0, hostId: 1001, size: 1 },
    { containerId: 1, hostId: 100000, size: 65536 },
  ],
  gidMap: [{ containerId: 0, hostId: 1002, size: 1 }],
};
const TOOLS = { newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' };

describe('launchArgs', () => {
  it('encodes the options in the order of docs/shim-protocol.md', () => {
    expect(launchArgs({ argv: ['node', 'engine.js'], unshare: ['mnt', 'net'], setsid: true, pdeathsig: 'SIGKILL' })).toEqual([
      'launch',
      '--sync-fd',
      '3',
      '--unshare',
      'mnt,net',
      '--setsid',
      '--pdeathsig',
      '9',
      '--',
      'node',
      'engine.js',
    ]);
  });

  it('passes the maps and the tools that write them for a new user namespace', () => {
    expect(launchArgs({ argv: ['id'] }, { tools: TOOLS, mappings: MAPPINGS })).toEqual([
      'launch',
      '--sync-fd',
      '3',
      '--newuidmap',
      '/usr/bin/newuidmap',
      '--uid-map',
      '0 1001 1 1 100000 65536',
      '--newgidmap',
      '/usr/bin/newgidmap',
      '--gid-map',
      '0 1002 1',
      '--',
      'id',
    ]);
  });

  it('asks for an exec before the maps are written only with maps to write', () => {
    expect(launchArgs({ argv: ['node'], execUnmapped: true }, { tools: TOOLS, mappings: MAPPINGS })).toContain('--exec-unmapped');
    expect(launchArgs({ argv: ['node'] }, { tools: TOOLS, mappings: MAPPINGS })).not.toContain('--exec-unmapped');
    expect(launchArgs({ argv: ['node'], execUnmapped: true, join: { userns: '/u', netns: '/n' } }, { tools: TOOLS, mappings: MAPPINGS })).not.toContain('--exec-unmapped');
  });

  it('passes no maps when joining a user namespace', () => {
    const args = launchArgs({ argv: ['id'], join: { userns: '/proc/9/ns/user', netns: '/proc/9/ns/net' } }, { tools: TOOLS, mappings: MAPPINGS });
    expect(args).toEqual(['launch', '--sync-fd', '3', '--join-userns', '/proc/9/ns/user', '--join-netns', '/proc/9/ns/net', '--', 'id']);
  });

  it('leaves out what is not asked for', () => {
    expect(launchArgs({ argv: ['id'] })).toEqual(['launch', '--sync-fd', '3', '--', 'id']);
  });

  it('refuses an empty command', () => {
    expect(() => launchArgs({ argv: [] })).toThrow(TsctrError);
  });
});

describe('launchFailure', () => {
  it('explains a kernel that refuses unprivileged user namespaces', () => {
    const err = launchFailure('E1 unshare(CLONE_NEWUSER): Operation not permitted\n', 'sh');
    expect(err.exitCode).toBe(125);
    expect(err.message).toMatch(/refuses unprivileged user namespaces/);
    expect(err.message).toMatch(/kernel\.unprivileged_userns_clone/);
  });

  it('explains an exhausted namespace limit', () => {
    expect(launchFailure('E28 unshare(CLONE_NEWUSER): No space left on device', 'sh').message).toMatch(/user\.max_user_namespaces/);
  });

  it('maps exec failures to 127 and 126, naming the command', () => {
    const notFound = launchFailure('E2 exec nope: No such file or directory', 'nope');
    expect(notFound.exitCode).toBe(127);
    expect(notFound.message).toMatch(/^nope: command not found/);
    expect(launchFailure('E13 exec /etc/passwd: Permission denied', '/etc/passwd').exitCode).toBe(126);
  });

  it('passes on other failures and garbage', () => {
    expect(launchFailure('E22 unshare(--unshare): Invalid argument', 'sh').message).toBe('tsctr-shim launch failed: unshare(--unshare): Invalid argument');
    expect(launchFailure('whatever', 'sh').message).toBe('tsctr-shim launch failed: whatever');
  });
});

describe('shimIdMap', () => {
  it('flattens the ranges into one space-separated list', () => {
    expect(shimIdMap(MAPPINGS.uidMap)).toBe('0 1001 1 1 100000 65536');
  });
});

describe('idMapFailure', () => {
  it('names the tool, its arguments, its output and the fix', () => {
    const err = idMapFailure('M1 /usr/bin/newgidmap: newgidmap: gid range [0-1) -> [1002-1003) not allowed \n', MAPPINGS, 77);
    expect(err?.exitCode).toBe(125);
    expect(err?.message).toBe(
      'newgidmap 77 0 1002 1 failed: newgidmap: gid range [0-1) -> [1002-1003) not allowed: check that /etc/subgid grants these ' +
        'ranges to your user and that /usr/bin/newgidmap is setuid root or has file capabilities (reinstall the uidmap package)',
    );
  });

  it('falls back to the exit status when the tool printed nothing', () => {
    expect(idMapFailure('M127 /usr/bin/newuidmap: ', MAPPINGS, 5)?.message).toMatch(/^newuidmap 5 0 1001 1 1 100000 65536 failed: exit status 127:/);
  });

  it('tells the first failure when both tools failed', () => {
    const both = 'M1 /usr/bin/newuidmap: newuidmap: uid range not allowed\nM1 /usr/bin/newgidmap: newgidmap: gid range not allowed\n';
    expect(idMapFailure(both, MAPPINGS, 5)?.message).toMatch(/^newuidmap 5 .* failed: newuidmap: uid range not allowed: check that \/etc\/subuid/);
  });

  it('leaves other lines to launchFailure', () => {
    expect(idMapFailure('E1 unshare(CLONE_NEWUSER): Operation not permitted', MAPPINGS, 5)).toBeUndefined();
  });
});

describe('waitForIdMaps', () => {
  it('resolves once both maps have content', async () => {
    let reads = 0;
    await waitForIdMaps(5000, (file) => (++reads > 4 || file.endsWith('uid_map') && reads > 2 ? '0 1000 1\n' : ''));
    expect(reads).toBeGreaterThan(4);
  });

  it('gives up with a clear error when the maps never come', async () => {
    await expect(waitForIdMaps(20, () => '')).rejects.toThrow(/never got its uid\/gid maps/);
  });
});
