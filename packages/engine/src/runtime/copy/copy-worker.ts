/**
 * `cp` for a container that is not running: run by the CLI in the container's user namespace
 * with a private mount namespace (copy-transport.ts), it mounts the container's root filesystem
 * like the engine would and packs (to stdout) or unpacks (from stdin) one path. The job is JSON
 * in argv[2]; a failure is one line on stderr and exit status 125.
 */
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { mount, MS_PRIVATE, MS_REC } from '../../sys/libc';
import type { CopyInSpec } from '../control-protocol';
import { readContainerConfig } from '../containers/records';
import { chooseRootfsDriver } from '../engine/rootfs-driver';
import { mountRootfs } from '../engine/rootfs';
import { containerOwner } from '../engine/state-file';
import { packFromContainer, unpackIntoContainer } from './container-side';

export type CopyWorkerJob =
  | { readonly root: string; readonly runroot: string; readonly id: string; readonly op: 'out'; readonly path: string }
  | { readonly root: string; readonly runroot: string; readonly id: string; readonly op: 'in'; readonly spec: CopyInSpec };

async function main(job: CopyWorkerJob): Promise<void> {
  const paths = { root: job.root, runRoot: job.runroot };
  const config = await readContainerConfig(paths, job.id);
  if (!config) throw new Error(`container ${job.id} has no config.json`);
  mount(null, '/', null, MS_REC | MS_PRIVATE, null);
  const { driver, idShift, upperOwner } = chooseRootfsDriver(paths, config, containerOwner(paths, job.id));
  const merged = mountRootfs({ driver, ...(idShift ? { idShift } : {}), ...(upperOwner ? { upperOwner } : {}), root: paths.root, layers: config.image.layers, containerDir: path.join('containers', config.id) });
  if (job.op === 'out') {
    const { stream, done } = packFromContainer(merged, job.path, config.name);
    stream.pipe(process.stdout);
    await Promise.all([done, finished(stream)]);
  } else {
    await unpackIntoContainer(process.stdin, merged, job.spec);
  }
}

main(JSON.parse(process.argv[2] ?? '{}') as CopyWorkerJob).then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(125);
  },
);
