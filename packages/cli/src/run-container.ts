/**
 * What `tsctr run` does once its flags are parsed (by yargs in commands/run.ts, or by
 * run-fast-argv.ts): check them, create the container, start it and attach, or print its id with -d.
 */
import * as fs from 'node:fs';
import { TsctrError } from '@tsctr/engine/errors';
import { containerDir } from '@tsctr/engine/runtime/containers/layout';
import { trace } from '@tsctr/engine/trace';
import { launchContainer, releaseEarlyLaunch } from '@tsctr/engine/network/launch-container';
import type { AttachChannel } from '@tsctr/engine/runtime/containers/launch-engine';
import { abandonEarlyLaunch, launchEngineEarly, type EarlyLaunch } from '@tsctr/engine/network/early-launch';
import { attachAndReport } from './attach-session';
import { checkCreateArgs, createFromRequest } from './create-container';
import { storePathsFrom, type GlobalOptions } from './global-options';
import { detachKeysFrom, type RunCreateArgs } from './run-options';

/* eslint-disable @typescript-eslint/no-require-imports -- clean-up code, loaded only when a run has something to clean up */
const loadRemove = (): typeof import('@tsctr/engine/runtime/containers/remove') => require('@tsctr/engine/runtime/containers/remove');
const loadVolumeStore = (): typeof import('@tsctr/engine/runtime/volumes/volume-store') => require('@tsctr/engine/runtime/volumes/volume-store');
const loadLifecycle = (): typeof import('@tsctr/engine/runtime/containers/lifecycle') => require('@tsctr/engine/runtime/containers/lifecycle');
/* eslint-enable @typescript-eslint/no-require-imports */

/** `run`'s flags: those of `create` and three of its own. */
export interface RunArgs extends RunCreateArgs, GlobalOptions {
  detach?: boolean;
  'detach-keys'?: string;
  'sig-proxy'?: boolean;
}

/** `launched`: called with the engine's early launch once the container runs from it (recipe-record.ts). */
export interface RunHooks {
  readonly launched?: (early: EarlyLaunch) => void;
}

export async function runContainer(argv: RunArgs, hooks: RunHooks = {}): Promise<void> {
  const paths = storePathsFrom(argv);
  const detachKeys = detachKeysFrom(argv);
  const checked = checkCreateArgs(argv);
  trace('cli-checked');
  // The engine's process starts while the image is looked up and the record written.
  const early = process.env.TSCTR_EARLY_ENGINE === '0' ? undefined : await launchEngineEarly(paths, checked.request, { attachWait: !argv.detach });
  let record;
  try {
    record = await createFromRequest(paths, argv, checked, early?.id);
  } catch (err) {
    if (early) await abandonEarlyLaunch(paths, early);
    throw err;
  }
  const { config } = record;
  trace('cli-created');
  let channel: AttachChannel | undefined;
  try {
    const launched = early ? await releaseEarlyLaunch(paths, early, config, argv.detach ? undefined : { stdin: argv.interactive === true }) : undefined;
    if (!launched) {
      if (early) await abandonEarlyLaunch(paths, early);
      await launchContainer(paths, config, { attachWait: !argv.detach });
    }
    channel = launched?.channel;
    if (early && launched) hooks.launched?.(early);
  } catch (err) {
    // `run` created the container only to run it: a container that never started is not kept.
    await loadRemove().deleteContainerFiles(paths, config.id).catch(() => undefined);
    await loadVolumeStore().removeAnonymousVolumes(paths, config).catch(() => undefined);
    throw err;
  }
  trace('cli-engine-ready');
  if (argv.detach) {
    process.stdout.write(`${config.id}\n`);
    return;
  }
  const { exitCode, detached } = await attachAndReport(paths, config, { stdin: argv.interactive === true, detachKeys, sigProxy: argv['sig-proxy'] !== false, ...(channel && { channel }) });
  // The engine removes --rm containers itself (before it reports the exit); what it could not remove goes here.
  if (!detached && config.autoRemove && fs.existsSync(containerDir(paths, config.id))) {
    await loadLifecycle().waitForEngineExit(paths, config.id, Date.now() + 10_000);
    await loadRemove().deleteContainerFiles(paths, config.id).catch((err: unknown) => {
      if (!(err instanceof TsctrError)) throw err;
    });
  }
  trace('cli-done');
  process.exitCode = exitCode;
}
