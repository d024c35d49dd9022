import { MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT, MS_SLAVE } from '@tsctr/engine/sys/libc';
import { ST_NODEV, ST_NOSUID, ST_RELATIME } from '@tsctr/engine/sys/path-fd';
import { baseMount } from '@tsctr/engine/runtime/mounts/mount-spec';
import { MS_RELATIME, bindRemountFlags, overlayBindData, propagationFlags, requestedBindFlags, tmpfsData, tmpfsFlags } from '@tsctr/engine/runtime/engine/user-mount-flags';
import { generatedMountsToApply, splitAroundUserMounts } from '@tsctr/engine/runtime/engine/user-mount-order';
import type { MountStep } from '@tsctr/engine/runtime/engine/mount-plan';

describe('user mount flags', () => {
  const bind = baseMount('bind', '/h', '/c');

  it('a plain bind needs no remount; ro and friends do, keeping the flags the kernel locks', () => {
    expect(requestedBindFlags(bind)).toBe(0);
    expect(bindRemountFlags({ ...bind, readOnly: true }, ST_NOSUID | ST_NODEV | ST_RELATIME)).toBe(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_RELATIME);
    expect(requestedBindFlags({ ...bind, noexec: true, nosuid: false })).toBe(MS_NOEXEC);
  });

  it('propagation', () => {
    expect(propagationFlags('rprivate')).toBe(MS_REC | MS_PRIVATE);
    expect(propagationFlags('slave')).toBe(MS_SLAVE);
  });

  it('tmpfs defaults to noexec,nosuid,nodev and mode 1777; size and ids pass through', () => {
    const t = baseMount('tmpfs', 'tmpfs', '/t');
    expect(tmpfsFlags(t)).toBe(MS_NOEXEC | MS_NOSUID | MS_NODEV);
    expect(tmpfsFlags({ ...t, noexec: false, readOnly: true })).toBe(MS_RDONLY | MS_NOSUID | MS_NODEV);
    expect(tmpfsData(t)).toBe('mode=1777');
    expect(tmpfsData({ ...t, tmpfs: { size: '1m', mode: 0o700, uid: 5, gid: 6 } })).toBe('size=1m,mode=700,uid=5,gid=6');
  });

  it('overlay data refuses paths the option syntax cannot carry', () => {
    expect(overlayBindData('/l', '/u', '/w')).toBe('lowerdir=/l,upperdir=/u,workdir=/w,userxattr');
    expect(() => overlayBindData('/a:b', '/u', '/w')).toThrow(/contains ","/);
  });
});

describe('splitAroundUserMounts', () => {
  const steps: MountStep[] = [
    { kind: 'mkdir', target: '/proc' },
    { kind: 'mount', target: '/etc/hosts', mountPoint: 'file', source: '/x/hosts', fstype: null, flags: MS_BIND, data: null, replace: true },
    { kind: 'mount', target: '/etc/hostname', mountPoint: 'file', source: '/x/hostname', fstype: null, flags: MS_BIND, data: null, replace: true },
  ];

  it('generated files go after the user mounts; one the user mounts is dropped', () => {
    const plan = splitAroundUserMounts(steps);
    expect(plan.beforeUser.map((s) => s.target)).toEqual(['/proc']);
    expect(generatedMountsToApply(plan.generated, [{ type: 'bind', destination: '/etc/hosts' }]).map((s) => s.target)).toEqual(['/etc/hostname']);
  });

  it('a host directory bound over /etc gets no mount point files; a volume or tmpfs there still does', () => {
    const plan = splitAroundUserMounts(steps);
    expect(generatedMountsToApply(plan.generated, [{ type: 'bind', destination: '/etc' }])).toEqual([]);
    expect(generatedMountsToApply(plan.generated, [{ type: 'volume', destination: '/etc' }])).toHaveLength(2);
    expect(generatedMountsToApply(plan.generated, [{ type: 'bind', destination: '/et' }])).toHaveLength(2);
  });
});
