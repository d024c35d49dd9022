/**
 * The shim `init` argv and seccomp program for this container: host facts gathered here, the
 * decisions made by the policy planner (runtime/policy/init-plan.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerConfig } from '../container-types';
import { planInit, type HostFacts, type ImageUserFiles } from '../policy/init-plan';
import { INIT_CGROUP_FD, INIT_FDS } from './payload';
import { cachedSeccompCompiler } from './seccomp-cache';

export interface InitPlanResult {
  readonly args: string[];
  readonly seccomp: Buffer | null;
}

/** Pure: CapBnd from /proc/self/status text. */
export function parseBoundingSet(status: string): bigint | undefined {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

export function hostFacts(): HostFacts {
  let availableCapabilities: bigint | undefined;
  try {
    availableCapabilities = parseBoundingSet(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch {
    // keep the planner's default
  }
  const cpuDir = '/sys/devices/system/cpu';
  let thermalThrottleDirs: string[] = [];
  try {
    thermalThrottleDirs = fs.readdirSync(cpuDir)
      .filter((name) => /^cpu\d+$/.test(name))
      .map((name) => path.join(cpuDir, name, 'thermal_throttle'))
      .filter((dir) => fs.existsSync(dir));
  } catch {
    // no such directory on this host
  }
  return { ...(availableCapabilities !== undefined ? { availableCapabilities } : {}), kernelRelease: os.release(), thermalThrottleDirs };
}

export function planContainerInit(config: ContainerConfig, rootfs: string, files: ImageUserFiles, opts: { cgroup?: boolean; seccompCacheDir?: string } = {}): InitPlanResult {
  const facts = { ...hostFacts(), ...(opts.seccompCacheDir !== undefined ? { seccompCompiler: cachedSeccompCompiler(opts.seccompCacheDir) } : {}) };
  const plan = planInit(config, files, process.arch, { rootfs, ...INIT_FDS, ...(opts.cgroup ? { cgroupFd: INIT_CGROUP_FD } : {}) }, facts);
  return { args: plan.argv, seccomp: plan.seccompProgram };
}
