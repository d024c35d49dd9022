/**
 * Entry point of the per-container engine, exec'd by `tsctr-shim launch` inside the container's
 * user, mount, network, UTS and IPC namespaces. See docs/architecture.md, "Engine".
 */
import { TsctrError } from '../../errors';
import { removeUnusedLaunchDirs } from '../containers/launch-dirs';
import { waitForIdMaps } from '../id-maps-ready';
import { parseEngineArgs } from './args';
import { Engine } from './engine';
import { listenEarly, type EarlyControl } from './control-server';
import { controlSocketPath } from '../containers/layout';
import { ReadyReporter, goArrived, waitForGo } from './ready-fd';
import { trace } from '../../trace';
import { sealedShimFd } from '../shim-binary';

/**
 * Seals the shim copy every start needs while the CLI is still writing the record (off the
 * critical path then), unless `go` is there already. A failure leaves it for where it is needed,
 * which reports it.
 */
function sealShimUnlessGo(readyFd: number): void {
  if (goArrived(readyFd)) return;
  try {
    sealedShimFd();
  } catch {
    // reported by the start that needs it
  }
}

async function main(): Promise<void> {
  trace('engine-main');
  // The engine outlives the command that started it: it must not keep (nor later chdir back to)
  // the caller's working directory, which the user may not even be able to enter.
  process.chdir('/');
  let ready = new ReadyReporter(undefined);
  try {
    const args = parseEngineArgs(process.argv.slice(2));
    ready = new ReadyReporter(args.readyFd);
    // The CLI closes the fd instead when it could not create the container (or died): nothing to do then.
    let afterGo: Buffer | undefined;
    let control: EarlyControl | undefined;
    if (args.awaitGo && args.readyFd !== undefined) {
      // The id is fixed by the launch: its socket can be bound while the CLI still writes the record.
      control = listenEarly(controlSocketPath({ root: args.root, runRoot: args.runroot }, args.id));
      sealShimUnlessGo(args.readyFd);
      afterGo = await waitForGo(args.readyFd);
      if (!afterGo) {
        removeUnusedLaunchDirs({ root: args.root, runRoot: args.runroot }, args.id);
        process.exit(0);
      }
    }
    // Launched with --exec-unmapped: the maps were being written while Node started.
    await waitForIdMaps();
    trace('engine-go');
    const engine = await Engine.load(args, ready, afterGo, control);
    await engine.run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const exitCode = err instanceof TsctrError ? err.exitCode : 125;
    console.error(`tsctr engine: ${err instanceof Error && !(err instanceof TsctrError) ? err.stack : message}`);
    ready.report({ event: 'error', message: err instanceof TsctrError ? message : `container engine: ${message}`, exitCode });
    process.exit(exitCode);
  }
}

void main();
