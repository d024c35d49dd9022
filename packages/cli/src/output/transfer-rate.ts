/** Pure helpers for progress bars: byte counts and transfer speed. */
import { formatBinarySize } from './human-size';

/** "12.3 MiB / 40.0 MiB" (total unknown: just the count). */
export function formatTransferred(bytes: number, total: number): string {
  return total > 0 ? `${formatBinarySize(bytes)} / ${formatBinarySize(total)}` : formatBinarySize(bytes);
}

/** "4.2 MiB/s"; "-" before anything measurable happened. */
export function formatSpeed(bytes: number, elapsedMs: number): string {
  if (elapsedMs <= 0 || bytes <= 0) return '-';
  return `${formatBinarySize(Math.round((bytes * 1000) / elapsedMs))}/s`;
}
