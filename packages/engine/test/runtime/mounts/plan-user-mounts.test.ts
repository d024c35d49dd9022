import { checkBindSources, nameAnonymousVolumes, parseMountRequest, planUserMounts, type HostStat, type MountRequest } from '@tsctr/engine/runtime/mounts/plan-user-mounts';

const none: MountRequest = { volumes: [], mounts: [], tmpfs: [], readOnly: false, readOnlyTmpfs: true };
const allDirs: HostStat = () => 'directory';

describe('planUserMounts', () => {
  it('sorts parents before children, keeping the given order otherwise', () => {
    const specs = planUserMounts({ ...none, volumes: ['/h/a:/a/b/c', 'v:/a'], tmpfs: ['/a/b'] }, allDirs);
    expect(specs.map((s) => s.destination)).toEqual(['/a', '/a/b', '/a/b/c']);
  });

  it('refuses a destination given twice, across flags', () => {
    expect(() => parseMountRequest({ ...none, volumes: ['/h:/d'], tmpfs: ['/d/'] })).toThrow('duplicate mount destination /d');
  });

  it('--read-only adds writable tmpfs on /tmp, /var/tmp and /run, unless mounted by the user or disabled', () => {
    const ro = parseMountRequest({ ...none, readOnly: true, tmpfs: ['/run:size=1m'] });
    expect(ro.map((s) => [s.destination, s.implicit === true])).toEqual([['/run', false], ['/tmp', true], ['/var/tmp', true]]);
    expect(ro.find((s) => s.destination === '/tmp')).toMatchObject({ type: 'tmpfs', noexec: false, tmpfs: { mode: 0o1777 } });
    expect(parseMountRequest({ ...none, readOnly: true, readOnlyTmpfs: false })).toEqual([]);
    expect(parseMountRequest({ ...none, readOnlyTmpfs: true })).toEqual([]);
  });

  it('a missing bind source is an error naming it (podman does not create it)', () => {
    const specs = parseMountRequest({ ...none, volumes: ['/nope:/d'] });
    expect(() => checkBindSources(specs, () => 'missing')).toThrow(/bind mount source \/nope \(for \/d\) does not exist/);
    expect(() => checkBindSources(specs, () => 'other')).toThrow(/neither a directory nor a regular file/);
  });

  it(':O needs a directory', () => {
    expect(() => planUserMounts({ ...none, volumes: ['/f:/d:O'] }, () => 'file')).toThrow(/option "O" needs a directory/);
  });

  it('volumes are not checked on the host; anonymous ones get fresh names', () => {
    const specs = planUserMounts({ ...none, volumes: ['/anon', 'named:/n'] }, () => 'missing');
    let n = 0;
    const named = nameAnonymousVolumes(specs, () => `gen${++n}`);
    expect(named.map((s) => s.source)).toEqual(['gen1', 'named']);
  });
});
