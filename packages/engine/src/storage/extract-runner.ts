/**
 * Host side of extraction and removal in the user namespace: files of a layer are owned by the
 * user's subordinate ids, which only root of a user namespace with the user's mapping can create,
 * chown or delete.
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { TsctrError } from '../errors';
import { entryPointPath } from '../install-layout';
import type { IdMappings } from '../runtime/idmap';
import { launchInUserNamespace, runInUserNamespace, waitForExit } from '../runtime/userns';
import { isExtractLineResult, type ExtractJob, type ExtractLineResult } from './extract-job';

/** Runs extract jobs and removes trees; layers.ts takes one so tests can run in-process as root. */
export interface NamespaceRunner {
  extract(job: ExtractJob): Promise<ExtractLineResult[]>;
  /** One layer whose blob arrives on `input` (its blobPath is STDIN_BLOB), extracted as it arrives. */
  extractStream?(job: ExtractJob, input: Readable): Promise<ExtractLineResult[]>;
  /** Removes each path recursively (missing paths are fine). */
  removeTrees(paths: readonly string[]): Promise<void>;
}

/** The worker's entry point (its bundle, or dist/storage/extract-worker.js). */
export function extractWorkerScript(): string {
  return entryPointPath('extract-worker');
}

/** Pure: the result lines of the worker's stdout, in layer order; a missing line becomes an error. */
export function parseWorkerOutput(stdout: string, layerCount: number, stderr: string, exitCode: number): ExtractLineResult[] {
  const byIndex = new Map<number, ExtractLineResult>();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (isExtractLineResult(value) && value.index >= 0 && value.index < layerCount) byIndex.set(value.index, value);
  }
  const reason = stderr.trim() || `the extract worker exited with status ${exitCode}`;
  return Array.from({ length: layerCount }, (_, index) => byIndex.get(index) ?? { index, ok: false as const, error: reason });
}

export function userNamespaceRunner(mappings?: IdMappings): NamespaceRunner {
  return {
    async extract(job) {
      if (job.layers.length === 0) return [];
      const result = await runInUserNamespace([process.execPath, extractWorkerScript()], { mappings, input: JSON.stringify(job), pdeathsig: 'SIGKILL' });
      return parseWorkerOutput(result.stdout, job.layers.length, result.stderr, result.exitCode);
    },
    async extractStream(job, input) {
      const child = await launchInUserNamespace({ argv: [process.execPath, extractWorkerScript(), JSON.stringify(job)], mappings, stdio: ['pipe', 'pipe', 'pipe'], pdeathsig: 'SIGKILL' });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => stdout.push(b));
      child.stderr?.on('data', (b: Buffer) => stderr.push(b));
      const stdin = child.stdin;
      // Once the worker stops reading (done, or a refused entry), the rest of the input is discarded:
      // the download that feeds it must never stall on a full buffer.
      const discardRest = (): void => {
        if (stdin) input.unpipe(stdin);
        input.resume();
      };
      if (stdin) {
        stdin.on('error', discardRest);
        // An input destroyed before its end (a failed download) must not leave the worker waiting.
        input.on('close', () => {
          if (!input.readableEnded) stdin.destroy();
        });
        input.on('error', () => stdin.destroy());
        input.pipe(stdin);
      }
      const [exitCode] = await Promise.all([waitForExit(child), ...[child.stdout, child.stderr].map((s) => (s ? finished(s).catch(() => undefined) : undefined))]);
      discardRest();
      return parseWorkerOutput(Buffer.concat(stdout).toString('utf8'), job.layers.length, Buffer.concat(stderr).toString('utf8'), exitCode);
    },
    async removeTrees(paths) {
      if (paths.length === 0) return;
      const result = await runInUserNamespace(['rm', '-rf', '--', ...paths], { mappings, pdeathsig: 'SIGKILL' });
      if (result.exitCode !== 0) {
        throw new TsctrError(`cannot remove ${paths.join(', ')} in the user namespace: ${result.stderr.trim() || `rm exited with status ${result.exitCode}`}`);
      }
    },
  };
}
