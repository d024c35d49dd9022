/**
 * Carrying out a cgroup plan on the host, as the user: the container's cgroup below the user's own
 * (or --cgroup-parent), controllers enabled down the path, the limit files written; and at the end,
 * the OOM count and the removal. See docs/architecture.md, "Cgroups".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TsctrError, errnoCode } from '../errors';
import { parseControllerList } from './detect';
import type { CgroupWrite } from './plan';
import { parseFlatKeyed } from './stats';

/** Where processes of a cgroup that must enable controllers are moved (the no-internal-process rule). */
export const LEAF_CGROUP = 'tsctr-leaf';

/** Pure: the container's cgroup path below `parent` (a path in the v2 hierarchy). */
export function containerCgroupPath(parent: string, id: string): string {
  return path.posix.join(parent, `tsctr-${id}`);
}

/** Pure: "/a/b/c" -> ["/", "/a", "/a/b", "/a/b/c"]. */
export function cgroupAncestry(cgroupPath: string): string[] {
  const parts = cgroupPath.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

function writeInterfaceFile(file: string, value: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY);
  try {
    fs.writeSync(fd, value);
  } finally {
    fs.closeSync(fd);
  }
}

function readInterfaceFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Moves every process of `dir` into its leaf child, so `dir` may hand controllers to children. */
function moveProcessesToLeaf(dir: string): void {
  const leaf = path.join(dir, LEAF_CGROUP);
  fs.mkdirSync(leaf, { recursive: true });
  // Processes may fork while we move them: a few rounds until the cgroup is empty.
  for (let round = 0; round < 5; round++) {
    const pids = readInterfaceFile(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        writeInterfaceFile(path.join(leaf, 'cgroup.procs'), pid);
      } catch (err) {
        if (errnoCode(err) !== 'ESRCH') throw err;
      }
    }
  }
}

/**
 * Makes `controllers` available to children of `parent`: enables them in the subtree_control of
 * every cgroup from the root down to `parent` (creating missing ones). A cgroup that has processes
 * cannot do that; its processes move to `<cgroup>/tsctr-leaf` first (podman does the same).
 */
export function enableControllersDownTo(mountPoint: string, parent: string, controllers: readonly string[]): void {
  if (controllers.length === 0) return;
  for (const level of cgroupAncestry(parent)) {
    const dir = path.join(mountPoint, level);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir);
    const enabled = parseControllerList(readInterfaceFile(path.join(dir, 'cgroup.subtree_control')));
    const missing = controllers.filter((c) => !enabled.includes(c));
    if (missing.length === 0) continue;
    const available = parseControllerList(readInterfaceFile(path.join(dir, 'cgroup.controllers')));
    const absent = missing.filter((c) => !available.includes(c));
    if (absent.length > 0) throw new TsctrError(`the cgroup controllers ${absent.join(', ')} are not available in ${level}: they are not delegated to you`);
    const change = missing.map((c) => `+${c}`).join(' ');
    try {
      writeInterfaceFile(path.join(dir, 'cgroup.subtree_control'), change);
    } catch (err) {
      if (errnoCode(err) !== 'EBUSY') throw new TsctrError(`cannot enable the cgroup controllers ${missing.join(', ')} in ${level}: ${(err as Error).message}`);
      moveProcessesToLeaf(dir);
      writeInterfaceFile(path.join(dir, 'cgroup.subtree_control'), change);
    }
  }
}

/** Creates (or empties the settings of a stale) container cgroup and writes the planned limits. */
export function createCgroup(dir: string, writes: readonly CgroupWrite[]): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw new TsctrError(`cannot create the container's cgroup ${dir}: ${(err as Error).message}`);
  }
  applyCgroupWrites(dir, writes);
}

/** Writes the limit files; a failed write of a limit the user asked for is an error naming it. */
export function applyCgroupWrites(dir: string, writes: readonly CgroupWrite[]): void {
  for (const w of writes) {
    try {
      writeInterfaceFile(path.join(dir, w.file), w.value);
    } catch (err) {
      if (!w.required) continue;
      throw new TsctrError(`cannot apply ${w.flag}: writing "${w.value}" to ${path.join(dir, w.file)} failed: ${(err as Error).message}`);
    }
  }
}

/** cgroup.procs of the container's cgroup opened for writing (the shim's init writes 0 to it). */
export function openCgroupProcs(dir: string): number {
  return fs.openSync(path.join(dir, 'cgroup.procs'), fs.constants.O_WRONLY);
}

/** How many processes the kernel's OOM killer ended in the cgroup (memory.events oom_kill). */
export function readOomKills(dir: string): number {
  return parseFlatKeyed(readInterfaceFile(path.join(dir, 'memory.events'))).get('oom_kill') ?? 0;
}

/** Removes the cgroup once its last process is gone (the kernel may need a moment after the exit). */
export async function removeCgroup(dir: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() >= deadline) throw err;
    }
    await sleep(20);
  }
}
