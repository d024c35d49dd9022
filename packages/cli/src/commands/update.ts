import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { applyCgroupWrites } from '@tsctr/engine/cgroups/apply';
import { checkContainerLimits } from '@tsctr/engine/cgroups/container-cgroup';
import { hasLimits, mergeLimits } from '@tsctr/engine/cgroups/limits';
import { planCgroupWrites } from '@tsctr/engine/cgroups/plan';
import { writeContainerConfig } from '@tsctr/engine/runtime/containers/records';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { withStoreLock } from '@tsctr/engine/storage/lock';
import { forEachContainer } from '../for-each-container';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { addLimitOptions, limitsFromArgs, type LimitArgs } from '../limit-options';

interface UpdateArgs extends GlobalOptions, LimitArgs {
  containers: string[];
}

export const command: CommandModule<object, UpdateArgs> = {
  command: 'update <containers..>',
  describe: 'Change the resource limits of containers (a running one at once, through its cgroup)',
  builder: (y) => addLimitOptions(y.positional('containers', { type: 'string', array: true, demandOption: true, describe: 'Names or ids' })) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const changes = limitsFromArgs(argv);
    if (!hasLimits(changes)) throw new TsctrError('nothing to update: give at least one limit, e.g. --memory 256m or --cpus 1');
    await forEachContainer(argv.containers.map(String), async (ref) => {
      const record = await findContainer(paths, ref);
      if (record.config.cgroups?.mode === 'disabled') throw new TsctrError(`container ${record.config.name} runs without a cgroup (--cgroups=disabled): its limits cannot be changed`);
      checkContainerLimits(changes, record.config.cgroups);
      const resources = mergeLimits(record.config.resources ?? {}, changes);
      const cgroup = record.state.status === 'running' || record.state.status === 'stopping' ? record.state.cgroupPath : undefined;
      // The kernel first, so a limit it refuses leaves the record unchanged.
      if (cgroup !== undefined) applyCgroupWrites(cgroup, planCgroupWrites(changes, { defaults: false }));
      await withStoreLock(paths, () => writeContainerConfig(paths, { ...record.config, resources }));
      process.stdout.write(`${record.config.id}\n`);
    });
  },
};
