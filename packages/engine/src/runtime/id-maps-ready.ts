/**
 * The engine's wait for its user namespace's maps: own module so that the engine's start does not
 * load userns.ts (the launch side: child_process, stream/promises).
 */
import { readFileSync } from 'node:fs';
import { TsctrError } from '../errors';

/**
 * For a program launched with execUnmapped: resolves once this process's uid and gid maps are
 * written (newuidmap/newgidmap run beside its start and are done long before a Node program needs
 * them). Rejects after `timeoutMs` (the launch failed; the launching CLI says why).
 */
export async function waitForIdMaps(timeoutMs = 10_000, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (read('/proc/self/uid_map').trim() === '' || read('/proc/self/gid_map').trim() === '') {
    if (Date.now() >= deadline) throw new TsctrError('the user namespace of this engine never got its uid/gid maps (newuidmap/newgidmap did not finish)');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
