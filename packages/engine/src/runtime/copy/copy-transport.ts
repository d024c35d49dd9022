/**
 * How `cp` reaches a container's files: through its engine's control socket when the engine runs
 * (it has the root filesystem mounted), otherwise through copy-worker in the container's user
 * namespace, which mounts it privately. Both carry one tar stream.
 */
import { PassThrough, type Readable } from 'node:stream';
import type * as net from 'node:net';
import { TsctrError } from '../../errors';
import { entryPointPath } from '../../install-layout';
import type { StorePaths } from '../../storage/paths';
import { Frame, FrameDecoder, encodeFrame, parseJsonPayload, type ControlReply, type ControlRequest, type CopyInSpec, type ExitReport } from '../control-protocol';
import { connectToEngine } from '../containers/control-client';
import { hasLiveEngine } from '../containers/lifecycle';
import type { ContainerRecord } from '../containers/records';
import { launchInUserNamespace, waitForExit } from '../userns';
import type { CopyWorkerJob } from './copy-worker';

/** The tar of `containerPath` (its last component as top entry); `done` rejects when the container side failed. */
export async function copyOutOf(p: StorePaths, record: ContainerRecord, containerPath: string): Promise<{ output: Readable; done: Promise<void> }> {
  if (hasLiveEngine(record.state)) return openEngineSession(p, record.config.id, { op: 'copy-out', path: containerPath });
  return runWorker(p, record, { op: 'out', path: containerPath }, undefined);
}

/** Sends `tar` into the container at spec.path; resolves when the container side has unpacked all of it. */
export async function copyInto(p: StorePaths, record: ContainerRecord, spec: CopyInSpec, tar: Readable): Promise<void> {
  if (hasLiveEngine(record.state)) {
    const session = await openEngineSession(p, record.config.id, { op: 'copy-in', ...spec });
    tar.on('data', (chunk: Buffer) => {
      if (!session.socket.write(encodeFrame(Frame.Stdin, chunk))) {
        tar.pause();
        session.socket.once('drain', () => tar.resume());
      }
    });
    tar.on('end', () => session.socket.write(encodeFrame(Frame.StdinEof, Buffer.alloc(0))));
    tar.on('error', (err) => session.socket.destroy(err));
    session.output.resume();
    await session.done;
    return;
  }
  const worker = await runWorker(p, record, { op: 'in', spec }, tar);
  worker.output.resume();
  await worker.done;
}

interface Session {
  readonly socket: net.Socket;
  /** Stdout frames (copy-out's tar). */
  readonly output: Readable;
  /** Settles with the Exit frame: rejects with its error. */
  readonly done: Promise<void>;
}

/** Sends the request; resolves once the engine accepted it. */
async function openEngineSession(p: StorePaths, id: string, request: ControlRequest): Promise<Session> {
  const socket = await connectToEngine(p, id);
  const output = new PassThrough();
  output.on('error', () => undefined); // reported through `done`
  let accept!: () => void;
  let refuse!: (err: Error) => void;
  const accepted = new Promise<void>((resolve, reject) => {
    accept = resolve;
    refuse = reject;
  });
  const done = new Promise<void>((resolve, reject) => {
    const decoder = new FrameDecoder();
    let ended = false;
    const fail = (err: Error): void => {
      ended = true;
      refuse(err);
      reject(err);
      output.destroy(err);
    };
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type === Frame.Reply) {
          const reply = parseJsonPayload<ControlReply>(frame);
          if (reply.ok) accept();
          else fail(new TsctrError(reply.error ?? `the engine of container ${id} refused "${request.op}"`, reply.exitCode ?? 125));
        } else if (frame.type === Frame.Stdout) {
          if (!output.destroyed) output.write(frame.payload);
        } else if (frame.type === Frame.Exit) {
          const report = parseJsonPayload<ExitReport>(frame);
          if (report.error) return fail(new TsctrError(report.error, report.exitCode || 125));
          ended = true;
          output.end();
          resolve();
        }
      }
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      if (!ended) fail(new TsctrError(`lost the connection to the engine of container ${id} during the copy; see its engine.log`));
    });
  });
  done.catch(() => undefined);
  // The reader gave up (the host side failed): stop the transfer.
  output.on('close', () => {
    if (!output.writableFinished) socket.destroy();
  });
  socket.write(encodeFrame(Frame.Request, request));
  await accepted;
  done.finally(() => socket.destroy()).catch(() => undefined);
  return { socket, output, done };
}

function workerScript(): string {
  return entryPointPath('copy-worker');
}

/** Starts copy-worker in the container's user namespace with a private mount namespace. */
async function runWorker(p: StorePaths, record: ContainerRecord, op: { op: 'out'; path: string } | { op: 'in'; spec: CopyInSpec }, input: Readable | undefined): Promise<{ output: Readable; done: Promise<void> }> {
  const { config } = record;
  const job: CopyWorkerJob = { root: p.root, runroot: p.runRoot, id: config.id, ...op };
  const child = await launchInUserNamespace({
    argv: [process.execPath, workerScript(), JSON.stringify(job)],
    unshare: ['mnt'],
    mappings: { uidMap: config.userns.uidMap, gidMap: config.userns.gidMap },
    stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    pdeathsig: 'SIGKILL',
  });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  if (input && child.stdin) {
    child.stdin.on('error', () => undefined); // the worker may fail before reading everything
    input.pipe(child.stdin);
  }
  const output = child.stdout as Readable;
  output.on('error', () => undefined); // reported through `done`
  const done = waitForExit(child).then((code) => {
    if (code === 0) return;
    const message = Buffer.concat(stderr).toString('utf8').trim() || `the copy worker exited with status ${code}`;
    const err = new TsctrError(message);
    output.destroy(err);
    throw err;
  });
  done.catch(() => undefined);
  return { output, done };
}
