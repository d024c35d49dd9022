/**
 * Host side of the extract worker's session mode (./extract-session-job.ts): one worker per pull,
 * launched when the pull starts so that its user-namespace launch and Node start overlap the
 * manifest and config fetches, and fed every layer as it becomes ready. `sessionRunner` puts it
 * behind the NamespaceRunner interface; whatever the session cannot take (a second streamed
 * layer, a worker that failed to launch or died) goes to the usual one-worker-per-job runner.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { IdMappings } from '../runtime/idmap';
import { launchInUserNamespace, waitForExit } from '../runtime/userns';
import { STDIN_BLOB, isExtractLineResult, type ExtractJobLayer, type ExtractLineResult } from './extract-job';
import { extractWorkerScript, userNamespaceRunner, type NamespaceRunner } from './extract-runner';
import { SESSION_COMMAND_FD, SESSION_FLAG } from './extract-session-job';

export class ExtractSession {
  private child: ChildProcess | undefined;
  private alive = false;
  private nextId = 0;
  private stdinClaimed = false;
  private stderr = '';
  private readonly pending = new Map<number, (result: ExtractLineResult) => void>();
  private readonly launched: Promise<boolean>;

  constructor(launch: Promise<ChildProcess>) {
    this.launched = launch.then(
      (child) => {
        this.child = child;
        this.alive = true;
        this.wire(child);
        return true;
      },
      () => false,
    );
  }

  /** Launches the worker now; layers can be sent at once (they wait for the launch). */
  static start(mappings?: IdMappings): ExtractSession {
    const stdio = ['pipe', 'pipe', 'pipe', undefined, 'pipe'] as const;
    return new ExtractSession(launchInUserNamespace({ argv: [process.execPath, extractWorkerScript(), SESSION_FLAG], mappings, stdio: [...stdio], pdeathsig: 'SIGKILL' }));
  }

  /** False when the worker could not be launched or has ended: use another runner. */
  async usable(): Promise<boolean> {
    return (await this.launched) && this.alive;
  }

  /** Extracts a layer whose blob is stored. Undefined when the session is not usable. */
  async extract(layer: ExtractJobLayer): Promise<ExtractLineResult | undefined> {
    if (layer.blobPath === STDIN_BLOB || !(await this.usable())) return undefined;
    return this.send(layer);
  }

  /**
   * Extracts the layer whose bytes arrive on `input` through the worker's stdin. Only one layer per
   * session can: undefined for every later one (and when the session is not usable).
   */
  async extractStream(layer: ExtractJobLayer, input: Readable): Promise<ExtractLineResult | undefined> {
    if (this.stdinClaimed || !(await this.usable())) return undefined;
    this.stdinClaimed = true;
    const stdin = this.child?.stdin;
    if (!stdin) return undefined;
    // Once the worker stops reading (done, or a refused entry), the rest of the input is discarded:
    // the download that feeds it must never stall on a full buffer.
    const discardRest = (): void => {
      input.unpipe(stdin);
      input.resume();
    };
    stdin.on('error', discardRest);
    // An input destroyed before its end (a failed download) must not leave the worker waiting.
    input.on('close', () => {
      if (!input.readableEnded) stdin.destroy();
    });
    input.on('error', () => stdin.destroy());
    const result = this.send({ ...layer, blobPath: STDIN_BLOB });
    input.pipe(stdin);
    const line = await result;
    discardRest();
    return line;
  }

  /** Ends the session: waits for the worker when it got work, else stops it. */
  async close(): Promise<void> {
    if (!(await this.launched) || !this.child) return;
    const child = this.child;
    if (this.nextId === 0) {
      child.kill('SIGKILL');
      return;
    }
    commandStream(child)?.end();
    child.stdin?.end();
    await waitForExit(child);
  }

  private send(layer: ExtractJobLayer): Promise<ExtractLineResult> {
    const id = this.nextId++;
    const result = new Promise<ExtractLineResult>((resolve) => this.pending.set(id, resolve));
    commandStream(this.child)?.write(`${JSON.stringify({ id, layer })}\n`);
    return result;
  }

  private wire(child: ChildProcess): void {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        this.deliver(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (this.stderr.length < 64 * 1024) this.stderr += text;
    });
    commandStream(child)?.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    void waitForExit(child).then((code) => {
      this.alive = false;
      const reason = this.stderr.trim() || `the extract worker exited with status ${code}`;
      for (const [index, resolve] of this.pending) resolve({ index, ok: false, error: reason });
      this.pending.clear();
    });
  }

  private deliver(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (!isExtractLineResult(value)) return;
    const resolve = this.pending.get(value.index);
    this.pending.delete(value.index);
    resolve?.(value);
  }
}

function commandStream(child: ChildProcess | undefined): Writable | undefined {
  return (child?.stdio[SESSION_COMMAND_FD] ?? undefined) as Writable | undefined;
}

/** A NamespaceRunner that extracts through `session` where it can and through `fallback` otherwise. */
export function sessionRunner(session: ExtractSession, fallback: NamespaceRunner = userNamespaceRunner()): NamespaceRunner {
  return {
    async extract(job) {
      if (!(await session.usable()) || job.layers.some((l) => l.blobPath === STDIN_BLOB)) return fallback.extract(job);
      // A worker that dies from here on answers every layer it had with an error.
      const results = await Promise.all(job.layers.map((layer) => session.extract(layer)));
      return results.map((r, index) => (r ? { ...r, index } : { index, ok: false as const, error: 'the extract worker ended' }));
    },
    async extractStream(job, input) {
      const [layer] = job.layers;
      const result = job.layers.length === 1 ? await session.extractStream(layer, input) : undefined;
      if (result) return [{ ...result, index: 0 }];
      if (!fallback.extractStream) throw new Error('internal: the fallback runner cannot stream');
      return fallback.extractStream(job, input);
    },
    removeTrees: (paths) => fallback.removeTrees(paths),
  };
}
