/**
 * Pull progress on a terminal: one cli-progress bar per blob with bytes and speed, like podman's
 * multi-bar output. The text of a bar is a pure function (renderBarLine) so it is unit-tested.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import { shortDigest, type BlobPullState, type PullEvent } from '@tsctr/engine/image/pull-events';
import { formatSpeed, formatTransferred } from './transfer-rate';
import { plainPullLine } from './pull-lines';

export interface BarRow {
  readonly role: 'layer' | 'config';
  readonly digest: string;
  readonly bytes: number;
  readonly total: number;
  readonly state: BlobPullState;
  /** When downloading started (ms since epoch); undefined before. */
  readonly startedAt?: number;
  /** When the download ended (verifying or later), so the speed shown stays the download's. */
  readonly downloadedAt?: number;
}

const stateText: Record<BlobPullState, string> = {
  waiting: 'waiting',
  downloading: '',
  verifying: 'verifying',
  extracting: 'extracting',
  done: 'done',
  exists: 'skipped: already exists',
};

/** Pure: "Copying blob 4abcf2066143 [=====-----] 1.2 MiB / 2.0 MiB | 3.1 MiB/s" (+ state word). */
export function renderBarLine(row: BarRow, barSize: number, now: number): string {
  const what = row.role === 'config' ? 'config' : 'blob  ';
  const fraction = row.state === 'done' || row.state === 'exists' ? 1 : row.total > 0 ? Math.min(1, row.bytes / row.total) : 0;
  const filled = Math.round(fraction * barSize);
  const bar = '='.repeat(filled) + '-'.repeat(barSize - filled);
  const speed = row.startedAt === undefined || row.state === 'exists' ? '' : ` | ${formatSpeed(row.bytes, (row.downloadedAt ?? now) - row.startedAt)}`;
  const status = stateText[row.state];
  return `Copying ${what} ${shortDigest(row.digest)} [${bar}] ${formatTransferred(row.bytes, row.total)}${speed}${status ? ` ${status}` : ''}`;
}

export interface PullReporter {
  onEvent(event: PullEvent): void;
  stop(): void;
}

/** Plain podman-like lines on `out` (a pipe or file). */
export function createPlainPullReporter(out: NodeJS.WritableStream): PullReporter {
  return {
    onEvent(event) {
      const line = plainPullLine(event);
      if (line !== undefined) out.write(`${line}\n`);
    },
    stop() {},
  };
}

/** Bars on a terminal; text lines (trying, writing) are printed above them. */
export function createBarPullReporter(out: NodeJS.WriteStream, now: () => number = Date.now): PullReporter {
  const barSize = 30;
  const rows = new Map<string, BarRow>();
  const bars = new Map<string, SingleBar>();
  const multibar = new MultiBar({
    stream: out,
    hideCursor: true,
    fps: 8,
    clearOnComplete: false,
    autopadding: false,
    format: (_options, _params, payload: { key: string }) => {
      const row = rows.get(payload.key);
      return row ? renderBarLine(row, barSize, now()) : '';
    },
  });
  const update = (key: string, row: BarRow): void => {
    rows.set(key, row);
    const bar = bars.get(key);
    if (bar) bar.update(row.bytes, { key });
    else bars.set(key, multibar.create(Math.max(1, row.total), row.bytes, { key }));
  };
  return {
    onEvent(event) {
      if (event.kind === 'blob') {
        const key = `${event.role}:${event.digest}`;
        const previous = rows.get(key);
        const startedAt = previous?.startedAt ?? (event.state === 'downloading' ? now() : undefined);
        const downloadedAt = previous?.downloadedAt ?? (startedAt !== undefined && event.state !== 'downloading' ? now() : undefined);
        update(key, { role: event.role, digest: event.digest, bytes: event.bytes, total: event.total, state: event.state, startedAt, downloadedAt });
        return;
      }
      if (event.kind === 'manifest') {
        for (const layer of event.layers) {
          const key = `layer:${layer.digest}`;
          if (!rows.has(key)) update(key, { role: 'layer', digest: layer.digest, bytes: 0, total: layer.size, state: 'waiting' });
        }
      }
      const line = plainPullLine(event);
      if (line !== undefined && event.kind !== 'manifest') multibar.log(`${line}\n`);
    },
    stop() {
      multibar.update();
      multibar.stop();
    },
  };
}

/** Chooses bars on a TTY, plain lines otherwise, nothing with -q. */
export function createPullReporter(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): PullReporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { onEvent() {}, stop() {} };
  return stream.isTTY ? createBarPullReporter(stream) : createPlainPullReporter(stream);
}
