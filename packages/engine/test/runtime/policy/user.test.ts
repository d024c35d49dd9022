import { TsctrError } from '@tsctr/engine/errors';
import { parseGroup, parsePasswd, resolveUser, withHomeDefault } from '@tsctr/engine/runtime/policy/user';

const passwd = `# comment
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
app:x:1000:1000:App User:/home/app:/bin/sh

nobody:x:65534:65534:nobody:/nonexistent:/bin/false
broken:x:abc:1:::
`;
const group = `root:x:0:
daemon:x:1:
wheel:x:10:root,app
audio:x:29:app
app:x:1000:
staff:x:50:
nogroup:x:65534:
`;
const files = { passwd, group };

describe('parsing', () => {
  it('reads passwd and group entries and skips comments and malformed lines', () => {
    expect(parsePasswd(passwd).map((u) => u.name)).toEqual(['root', 'daemon', 'app', 'nobody']);
    expect(parsePasswd(passwd)[2]).toEqual({ name: 'app', uid: 1000, gid: 1000, home: '/home/app', shell: '/bin/sh' });
    expect(parseGroup(group).find((g) => g.name === 'wheel')).toEqual({ name: 'wheel', gid: 10, members: ['root', 'app'] });
    expect(parsePasswd(null)).toEqual([]);
  });
});

describe('resolveUser', () => {
  it('defaults to root with root\'s groups and home', () => {
    expect(resolveUser('', [], files)).toEqual({ uid: 0, gid: 0, additionalGids: [10], home: '/root' });
  });

  it('resolves a name with its primary group and the groups that list it', () => {
    expect(resolveUser('app', [], files)).toEqual({ uid: 1000, gid: 1000, additionalGids: [10, 29], home: '/home/app' });
  });

  it('resolves a uid that is in passwd like its name', () => {
    expect(resolveUser('1000', [], files)).toEqual(resolveUser('app', [], files));
  });

  it('accepts a numeric uid that passwd does not know (gid 0, home /)', () => {
    expect(resolveUser('4242', [], files)).toEqual({ uid: 4242, gid: 0, additionalGids: [], home: '/' });
    expect(resolveUser('4242:77', [], files)).toEqual({ uid: 4242, gid: 77, additionalGids: [], home: '/' });
  });

  it('takes an explicit group by name or number, and then no implicit supplementary groups', () => {
    expect(resolveUser('app:staff', [], files)).toEqual({ uid: 1000, gid: 50, additionalGids: [], home: '/home/app' });
    expect(resolveUser('app:9999', [], files)).toMatchObject({ uid: 1000, gid: 9999, additionalGids: [] });
    expect(resolveUser('0:audio', [], files)).toMatchObject({ uid: 0, gid: 29 });
  });

  it('appends --group-add groups (names or numbers) without duplicates', () => {
    expect(resolveUser('app', ['staff', '29', '4000'], files).additionalGids).toEqual([10, 29, 50, 4000]);
  });

  it('works without passwd and group files for numeric specs', () => {
    expect(resolveUser('', [], { passwd: null, group: null })).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/' });
    expect(resolveUser('33:44', ['5'], { passwd: null, group: null })).toEqual({ uid: 33, gid: 44, additionalGids: [5], home: '/' });
  });

  it.each([
    ['ghost', [], 'unable to find user ghost: no matching entries in passwd file'],
    ['app:ghosts', [], 'unable to find group ghosts: no matching entries in group file'],
    ['app', ['ghosts'], 'unable to find group ghosts: no matching entries in group file'],
    ['99999999999', [], 'user id 99999999999 is out of range'],
  ])('refuses %s %j', (spec, groupAdd, message) => {
    expect(() => resolveUser(spec, groupAdd, files)).toThrow(TsctrError);
    expect(() => resolveUser(spec, groupAdd, files)).toThrow(message);
  });

  it('refuses a user name when the image has no passwd file', () => {
    expect(() => resolveUser('app', [], { passwd: null, group: null })).toThrow('unable to find user app');
  });
});

describe('withHomeDefault', () => {
  it('adds HOME only when missing', () => {
    expect(withHomeDefault(['PATH=/bin'], '/root')).toEqual(['PATH=/bin', 'HOME=/root']);
    expect(withHomeDefault(['HOME=/x'], '/root')).toEqual(['HOME=/x']);
    expect(withHomeDefault(['HOMEDIR=/x'], '/root')).toEqual(['HOMEDIR=/x', 'HOME=/root']);
  });
});
