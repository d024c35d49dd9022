/**
 * The job the extract worker runs inside the user namespace, and the line protocol of its answers.
 * Host side: ./extract-runner.ts. Worker: ./extract-worker.ts.
 *
 * stdin: one JSON ExtractJob. stdout: one JSON ExtractLineResult per layer, in completion order.
 * Exit status 0 when every layer was extracted, 1 otherwise, 2 for a malformed job.
 */
import { extractLayerFile } from './extract';
import { LayerEntryError } from './extract-plan';

/** blobPath of a layer that arrives on the worker's stdin (a download streamed into extraction). */
export const STDIN_BLOB = '-';

export interface ExtractJobLayer {
  /** Compressed (or plain) layer blob, or STDIN_BLOB. */
  readonly blobPath: string;
  /** Existing empty directory to extract into. */
  readonly targetDir: string;
  readonly mediaType?: string;
}

export interface ExtractJob {
  readonly layers: readonly ExtractJobLayer[];
  /** Layers extracted at the same time (default 2). */
  readonly concurrency?: number;
}

export type ExtractLineResult =
  | { readonly index: number; readonly ok: true; readonly diffId: string; readonly size: number; readonly warnings: readonly string[] }
  | { readonly index: number; readonly ok: false; readonly error: string; readonly entry?: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isExtractJob(v: unknown): v is ExtractJob {
  if (!isObject(v) || !Array.isArray(v.layers)) return false;
  if (v.concurrency !== undefined && !(Number.isInteger(v.concurrency) && (v.concurrency as number) > 0)) return false;
  return v.layers.every(
    (l: unknown) => isObject(l) && typeof l.blobPath === 'string' && typeof l.targetDir === 'string' && (l.mediaType === undefined || typeof l.mediaType === 'string'),
  );
}

export function isExtractLineResult(v: unknown): v is ExtractLineResult {
  if (!isObject(v) || !Number.isInteger(v.index)) return false;
  if (v.ok === true) return typeof v.diffId === 'string' && typeof v.size === 'number' && Array.isArray(v.warnings);
  return v.ok === false && typeof v.error === 'string';
}

/** Extracts every layer of the job (a few at a time), reporting each through `emit`. True if all succeeded. */
export async function runExtractJob(job: ExtractJob, emit: (line: ExtractLineResult) => void): Promise<boolean> {
  let next = 0;
  let allOk = true;
  const work = async (): Promise<void> => {
    for (let index = next++; index < job.layers.length; index = next++) {
      if (!(await extractJobLayer(index, job.layers[index], emit))) allOk = false;
    }
  };
  const workers = Math.max(1, Math.min(job.concurrency ?? 2, job.layers.length));
  await Promise.all(Array.from({ length: workers }, () => work()));
  return allOk;
}

/** Extracts one layer of a job and reports it as line `index`. True if it succeeded. */
export async function extractJobLayer(index: number, layer: ExtractJobLayer, emit: (line: ExtractLineResult) => void): Promise<boolean> {
  try {
    const r = await extractLayerFile(layer.blobPath === STDIN_BLOB ? process.stdin : layer.blobPath, layer.targetDir, { mediaType: layer.mediaType });
    emit({ index, ok: true, diffId: r.diffId, size: r.size, warnings: r.warnings });
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    emit(err instanceof LayerEntryError ? { index, ok: false, error: message, entry: err.entry } : { index, ok: false, error: message });
    return false;
  }
}
