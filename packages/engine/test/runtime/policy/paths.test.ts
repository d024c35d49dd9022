import { planProtectedPaths } from '@tsctr/engine/runtime/policy/paths';

describe('planProtectedPaths', () => {
  it('masks podman\'s paths and makes its read-only paths read-only', () => {
    const paths = planProtectedPaths({ privileged: false });
    expect(paths.masked).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware', '/proc/acpi', '/proc/scsi', '/sys/fs/selinux', '/sys/devices/virtual/powercap']));
    expect(paths.readonly).toEqual(['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    expect(paths.masked.filter((p) => paths.readonly.includes(p))).toEqual([]);
  });

  it('adds the host\'s cpu thermal_throttle directories, and nothing that is not one', () => {
    const paths = planProtectedPaths({
      privileged: false,
      thermalThrottleDirs: ['/sys/devices/system/cpu/cpu0/thermal_throttle', '/sys/devices/system/cpu/cpu12/thermal_throttle', '/etc'],
    });
    expect(paths.masked.slice(-2)).toEqual(['/sys/devices/system/cpu/cpu0/thermal_throttle', '/sys/devices/system/cpu/cpu12/thermal_throttle']);
    expect(paths.masked).not.toContain('/etc');
  });

  it('protects nothing with --privileged', () => {
    expect(planProtectedPaths({ privileged: true, thermalThrottleDirs: ['/sys/devices/system/cpu/cpu0/thermal_throttle'] })).toEqual({ masked: [], readonly: [] });
  });
});
