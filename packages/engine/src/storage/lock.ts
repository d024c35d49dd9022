/**
 * The store lock: flock(2) on R/store.lock. The kernel releases it when the process dies, so a
 * `kill -9` never leaves the store locked. Waiting polls with LOCK_NB instead of a blocking flock
 * call, which would freeze Node's event loop (and with it downloads in progress) while waiting.
 */
import * as fs from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { flock, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN } from '../sys/libc';
import { SysError } from '../errors';
import type { StorePaths } from './paths';
import { storeLockPath } from './layout';

export type LockMode = 'exclusive' | 'shared';

const EWOULDBLOCK = 11;
const POLL_START_MS = 5;
const POLL_MAX_MS = 100;

/** Locks held by the current async call chain, so nested withStoreLock calls do not deadlock. */
const held = new AsyncLocalStorage<ReadonlyMap<string, LockMode>>();

/**
 * Runs `fn` holding the store lock (exclusive by default) and always releases it. Nested calls in
 * the same async call chain reuse the lock held by the outer call (a shared outer lock cannot be
 * upgraded: that is a programming error and throws).
 */
export async function withStoreLock<T>(paths: StorePaths, fn: () => Promise<T>, mode: LockMode = 'exclusive'): Promise<T> {
  const lockFile = storeLockPath(paths);
  const outer = held.getStore()?.get(lockFile);
  if (outer) {
    if (outer === 'shared' && mode === 'exclusive') throw new Error(`store lock ${lockFile}: cannot upgrade a shared lock to exclusive`);
    return fn();
  }
  // Synchronous: two quick calls, cheaper than two thread-pool round trips (the wait itself polls).
  fs.mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  // Node opens every file with O_CLOEXEC, so children never inherit the lock.
  const fd = fs.openSync(lockFile, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    await acquire(fd, mode === 'exclusive' ? LOCK_EX : LOCK_SH);
    const locks = new Map(held.getStore() ?? []);
    locks.set(lockFile, mode);
    return await held.run(locks, fn);
  } finally {
    // Closing the last descriptor of the open file description releases the flock; unlock first anyway.
    try {
      flock(fd, LOCK_UN);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Shorthand for a shared (reader) lock. */
export function withSharedStoreLock<T>(paths: StorePaths, fn: () => Promise<T>): Promise<T> {
  return withStoreLock(paths, fn, 'shared');
}

async function acquire(fd: number, op: number): Promise<void> {
  let delay = POLL_START_MS;
  for (;;) {
    try {
      flock(fd, op | LOCK_NB);
      return;
    } catch (err) {
      if (!(err instanceof SysError && err.errno === EWOULDBLOCK)) throw err;
    }
    await sleep(delay);
    delay = Math.min(delay * 2, POLL_MAX_MS);
  }
}
