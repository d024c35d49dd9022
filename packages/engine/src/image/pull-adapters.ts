/** Wires the pull orchestration to the real registry client and store (filled in as they land). */
import { TsctrError } from '../errors';
import type { PullDeps } from './pull-ports';
import type { PullOptions } from './pull';

export async function createPullDeps(_opts: PullOptions): Promise<PullDeps> {
  throw new TsctrError('pull is not wired yet');
}
