import { TsctrError } from '../../src/errors';
import { launchArgs, launchFailure } from '../../src/runtime/userns';

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
