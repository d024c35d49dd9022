/**
 * Paths the container must not see (masked: /dev/null over files, an empty read-only tmpfs over
 * directories) or must not write (read-only bind), applied by the shim after pivot_root.
 * The lists are podman's (containers/common pkg/config defaults).
 */

/** Kernel interfaces that leak host information or offer host-wide knobs. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
  '/sys/fs/selinux',
];

/** Kernel interfaces a container may read but whose writes would reach the host. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

export interface ProtectedPaths {
  readonly masked: readonly string[];
  readonly readonly: readonly string[];
}

export interface ProtectedPathsRequest {
  readonly privileged: boolean;
  /**
   * The host's /sys/devices/system/cpu/cpu*\/thermal_throttle directories (podman masks each;
   * the caller globs them, this module makes no system calls).
   */
  readonly thermalThrottleDirs?: readonly string[];
}

/** Masked and read-only paths for a container; none with --privileged, like podman. */
export function planProtectedPaths(request: ProtectedPathsRequest): ProtectedPaths {
  if (request.privileged) return { masked: [], readonly: [] };
  const throttles = (request.thermalThrottleDirs ?? []).filter((dir) => /^\/sys\/devices\/system\/cpu\/cpu\d+\/thermal_throttle$/.test(dir));
  return { masked: [...DEFAULT_MASKED_PATHS, ...throttles], readonly: [...DEFAULT_READONLY_PATHS] };
}
