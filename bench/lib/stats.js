'use strict';
/**
 * Summaries of measured samples (pure).
 */

/**
 * @typedef {object} Summary
 * @property {number} median
 * @property {number} min
 * @property {number} max
 * @property {number} n
 */

/** @param {readonly number[]} samples @returns {Summary} */
function summarize(samples) {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * tsctr's median over podman's: below 1 means tsctr is faster (or smaller).
 * @param {number} tsctr @param {number} podman @returns {number | undefined}
 */
function ratio(tsctr, podman) {
  return podman > 0 ? tsctr / podman : undefined;
}

module.exports = { summarize, ratio };
