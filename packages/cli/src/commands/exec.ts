import type { CommandModule } from 'yargs';
import { TsctrError } from '@tsctr/engine/errors';
import { attachToContainer } from '@tsctr/engine/runtime/containers/attach-client';
import { requestEngine } from '@tsctr/engine/runtime/containers/control-client';
import { engineAlive } from '@tsctr/engine/runtime/containers/liveness';
import { findContainer } from '@tsctr/engine/runtime/containers/store';
import { execSpecOf, parseExecWords } from '../exec-options';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { detachKeysFrom, mergeGlobalOptions } from '../run-options';
import { haltAtCommand, wordsAfterCommand } from '../run-parser';

export const command: CommandModule<object, GlobalOptions & { _: (string | number)[] }> = {
  command: 'exec',
  describe: 'Run a process in a running container',
  builder: (y) => haltAtCommand(y) as never,
  handler: async (outer) => {
    const parsed = parseExecWords(wordsAfterCommand(outer._));
    if (!parsed) return;
    const argv = mergeGlobalOptions(outer, parsed.argv);
    const paths = storePathsFrom(argv);
    const spec = execSpecOf(parsed);
    const detachKeys = detachKeysFrom(argv);
    const { config, state } = await findContainer(paths, parsed.container);
    if (state.status !== 'running' || !engineAlive(state)) {
      throw new TsctrError(`container ${parsed.container} is not running (it is ${state.status}): start it first with "tsctr start ${parsed.container}"`);
    }
    const request = { op: 'exec' as const, ...spec };
    if (spec.detach) {
      await requestEngine(paths, config.id, request);
      return;
    }
    const result = await attachToContainer(paths, config.id, { stdin: spec.stdin === true, tty: spec.tty === true, detachKeys, sigProxy: false, request });
    if (result.kind === 'detached') return;
    if (result.report.error) process.stderr.write(`Error: ${result.report.error}\n`);
    process.exitCode = result.report.exitCode;
  },
};
