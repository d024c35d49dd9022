/**
 * The container's cgroup over its life, glued to the launch path: the CLI (as the user, on the
 * host) creates and configures it right before the engine starts and hands the engine an open
 * cgroup.procs; the engine passes that to the shim's init (which joins it before exec), reads the
 * OOM count when the payload ends and removes the cgroup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { TsctrError } from '../errors';
import { LEAF_CGROUP, createCgroup, containerCgroupPath, enableControllersDownTo, openCgroupProcs, removeCgroup } from './apply';
import { cgroupDir, probeCgroupSupport, type CgroupSupport } from './detect';
import { hasLimits, type ContainerCgroupSettings, type ResourceLimits } from './limits';
import { checkLimitsApplicable, controllersFor, feasibleWrites, planCgroupWrites } from './plan';


/** The controllers a container's cgroup gets where they are delegated. */
const MANAGED_CONTROLLERS: readonly string[] = ['cpu', 'cpuset', 'io', 'memory', 'pids'];

/** The fd number the engine finds the container's cgroup.procs at (after the network helper's 5 and 6). */
export const ENGINE_CGROUP_FD = 7;

export interface PreparedCgroup {
  /** Absolute directory of the container's cgroup. */
  readonly dir: string;
  /** cgroup.procs opened for writing by the user. */
  readonly procsFd: number;
}

interface CgroupRequest {
  readonly id: string;
  readonly resources?: ResourceLimits;
  readonly cgroups?: ContainerCgroupSettings;
}

/**
 * Create-time check (no side effect): limits the host cannot apply fail with exit 125 and the
 * reason, before anything is pulled or written.
 */
export function checkContainerLimits(resources: ResourceLimits | undefined, settings: ContainerCgroupSettings | undefined, support: () => CgroupSupport = probeCgroupSupport): void {
  if (settings?.mode === 'disabled') {
    if (hasLimits(resources)) throw new TsctrError('resource limits need a cgroup: remove --cgroups=disabled or the limit flags');
    return;
  }
  if (hasLimits(resources)) checkLimitsApplicable(planCgroupWrites(resources ?? {}), support());
}

/**
 * Whether prepareContainerCgroup tries to give the container a cgroup of its own: asked for
 * (limits, a parent), or by default where the host lets the user create one. Pure given `support`.
 */
export function makesOwnCgroup(request: Omit<CgroupRequest, 'id'>, support: CgroupSupport = probeCgroupSupport()): boolean {
  const settings = request.cgroups ?? { mode: 'enabled' };
  if (settings.mode === 'disabled' || support.mountPoint === undefined || support.ownPath === undefined) return false;
  return support.canCreateChild || hasLimits(request.resources) || settings.parent !== undefined;
}

/**
 * Creates and configures the container's cgroup, or returns undefined when the container runs
 * without one (--cgroups=disabled, or a host without delegation and no limit asked for).
 */
export function prepareContainerCgroup(request: CgroupRequest, support: CgroupSupport = probeCgroupSupport()): PreparedCgroup | undefined {
  const settings = request.cgroups ?? { mode: 'enabled' };
  if (settings.mode === 'disabled') return undefined;
  const writes = planCgroupWrites(request.resources ?? {});
  checkLimitsApplicable(writes, support);
  const explicit = hasLimits(request.resources) || settings.parent !== undefined;
  if (support.mountPoint === undefined || support.ownPath === undefined || !makesOwnCgroup(request, support)) return undefined;
  const feasible = feasibleWrites(writes, support.delegated);
  const parent = settings.parent ?? defaultCgroupParent(support.ownPath);
  const dir = cgroupDir(support.mountPoint, containerCgroupPath(parent, request.id));
  try {
    // Every delegated controller tsctr uses, not only those limited now: stats read them and update may limit them later.
    const controllers = [...new Set([...controllersFor(feasible), ...support.delegated.filter((c) => MANAGED_CONTROLLERS.includes(c))])];
    enableControllersDownTo(support.mountPoint, parent, controllers);
    createCgroup(dir, feasible);
    return { dir, procsFd: openCgroupProcs(dir) };
  } catch (err) {
    if (explicit) throw err instanceof TsctrError ? err : new TsctrError(`cannot set up the container's cgroup: ${(err as Error).message}`);
    // Nothing was asked for: the container runs without a cgroup of its own, as on hosts without delegation.
    void removeCgroup(dir, 0).catch(() => undefined);
    return undefined;
  }
}

/**
 * Pure: where containers go by default: the user's own cgroup, or, once tsctr has moved the user's
 * processes into its leaf, the cgroup above the leaf (so containers never nest in the leaf).
 */
export function defaultCgroupParent(ownPath: string): string {
  return path.posix.basename(ownPath) === LEAF_CGROUP ? path.posix.dirname(ownPath) : ownPath;
}

/** The engine's argv additions and the stdio entry that puts cgroup.procs at ENGINE_CGROUP_FD. */
export function engineCgroupArgs(cgroup: PreparedCgroup | undefined): string[] {
  return cgroup ? ['--cgroup-fd', String(ENGINE_CGROUP_FD), '--cgroup-dir', cgroup.dir] : [];
}

export function withCgroupFd<T extends Exclude<StdioOptions, string>>(stdio: T, cgroup: PreparedCgroup | undefined): T {
  if (!cgroup) return stdio;
  const entries = [...stdio] as unknown[];
  while (entries.length < ENGINE_CGROUP_FD) entries.push('ignore');
  entries.push(cgroup.procsFd);
  return entries as T;
}

/** The CLI's copy of the fd, closed once the engine holds its own. */
export function releaseCgroupFd(cgroup: PreparedCgroup | undefined): void {
  if (cgroup) fs.closeSync(cgroup.procsFd);
}

/** A launch that failed: the cgroup goes (best effort). */
export async function discardCgroup(cgroup: PreparedCgroup | undefined): Promise<void> {
  if (cgroup) await removeCgroup(cgroup.dir).catch(() => undefined);
}

