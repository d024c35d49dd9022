/**
 * The engine's side of the network helper's life (docs/architecture.md, "Networking"): it holds
 * the only write end of the helper's exit pipe (the helper ends when the engine does), and watches
 * the read end of a pipe whose write ends only the helper holds (the container ends with the helper).
 */
import * as net from 'node:net';
import { fcntl, F_SETFD, FD_CLOEXEC } from '../../sys/libc';
import type { EngineArgs } from './args';

/** Marks both fds close-on-exec (nothing the engine starts may hold them) and calls `onHelperGone` once at EOF. */
export function linkNetworkHelper(args: Pick<EngineArgs, 'netHoldFd' | 'netAliveFd'>, onHelperGone: () => void): void {
  if (args.netHoldFd === undefined || args.netAliveFd === undefined) return;
  fcntl(args.netHoldFd, F_SETFD, FD_CLOEXEC);
  fcntl(args.netAliveFd, F_SETFD, FD_CLOEXEC);
  const alive = new net.Socket({ fd: args.netAliveFd, readable: true, writable: false });
  let gone = false;
  const done = (): void => {
    if (gone) return;
    gone = true;
    onHelperGone();
  };
  alive.on('data', () => undefined);
  alive.on('end', done);
  alive.on('close', done);
  alive.on('error', done);
}
