/** `diff`: changes of a container's filesystem against its image, from its upper dir (diff-worker.ts). */
import * as path from 'node:path';
import { TsctrError } from '../../errors';
import { entryPointPath } from '../../install-layout';
import type { StorePaths } from '../../storage/paths';
import { containerUpperDir } from '../containers/layout';
import type { ContainerRecord } from '../containers/records';
import { runInUserNamespace } from '../userns';
import type { Change } from './diff-plan';

export async function containerDiff(p: StorePaths, record: ContainerRecord): Promise<Change[]> {
  const { config } = record;
  const job = {
    upper: containerUpperDir(p, config.id),
    lowers: [...config.image.layers].reverse().map((chainId) => path.join(p.root, 'layers', chainId.replace(/^sha256:/, ''), 'diff')),
  };
  const result = await runInUserNamespace([process.execPath, entryPointPath('diff-worker')], { input: JSON.stringify(job), pdeathsig: 'SIGKILL' });
  if (result.exitCode !== 0) throw new TsctrError(`cannot read the changes of container ${config.name}: ${result.stderr.trim() || `the diff worker exited with status ${result.exitCode}`}`);
  return JSON.parse(result.stdout) as Change[];
}
