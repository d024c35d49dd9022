'use strict';
/**
 * What a benchmark row holds, and the interleaved A/B loop that fills it.
 */

/**
 * @typedef {{kind: 'samples', samples: number[]}} Measured
 * @typedef {{kind: 'failed', reason: string}} Failed
 * @typedef {{kind: 'na', reason: string}} NotApplicable
 * @typedef {Measured | Failed | NotApplicable} Outcome
 * @typedef {'s' | 'MiB' | 'KiB'} Unit
 */

/**
 * @typedef {object} Row
 * @property {string} label
 * @property {Unit} unit
 * @property {Outcome} tsctr
 * @property {Outcome} podman
 */

/**
 * @typedef {object} CaseResult
 * @property {string} name     the --only name
 * @property {string} title
 * @property {Row[]} rows
 * @property {string[]} notes  how it was measured, what was not available
 */

/**
 * @typedef {object} ToolSeries
 * @property {Record<string, number[]>} samples  per metric, one value per successful iteration
 * @property {string | undefined} failure        why the tool stopped being measured
 */

/** @param {unknown} e @returns {string} */
function messageOf(e) {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Interleaved A/B runs: iteration i runs every tool once, in order (tsctr, podman, tsctr, podman,
 * ...), so drifts of the machine hit both alike. A tool whose iteration throws is not run again in
 * this case; the others go on.
 * @template {{name: string}} T
 * @param {readonly T[]} tools
 * @param {number} runs
 * @param {(tool: T, iteration: number) => Record<string, number> | Promise<Record<string, number>>} once
 * @param {(msg: string) => void} log
 * @returns {Promise<Map<string, ToolSeries>>}
 */
async function interleave(tools, runs, once, log) {
  /** @type {Map<string, ToolSeries>} */
  const series = new Map(tools.map((t) => [t.name, { samples: {}, failure: undefined }]));
  for (let i = 0; i < runs; i++) {
    for (const tool of tools) {
      const s = /** @type {ToolSeries} */ (series.get(tool.name));
      if (s.failure !== undefined) continue;
      try {
        const metrics = await once(tool, i);
        for (const [key, value] of Object.entries(metrics)) (s.samples[key] ??= []).push(value);
        log(`  ${tool.name} #${i + 1}: ${Object.entries(metrics).map(([k, v]) => `${k} ${round(v)}`).join(', ')}`);
      } catch (e) {
        s.failure = messageOf(e);
        log(`  ${tool.name} #${i + 1}: failed: ${s.failure}`);
      }
    }
  }
  return series;
}

/** @param {number} v */
function round(v) {
  return Math.round(v * 1000) / 1000;
}

/**
 * The outcome of one metric of one tool.
 * @param {ToolSeries | undefined} s @param {string} metric @param {string} absentReason used when the tool was not run
 * @returns {Outcome}
 */
function outcomeOf(s, metric, absentReason) {
  if (s === undefined) return { kind: 'na', reason: absentReason };
  if (s.failure !== undefined) return { kind: 'failed', reason: s.failure };
  const samples = s.samples[metric];
  if (samples === undefined || samples.length === 0) return { kind: 'na', reason: 'not measured' };
  return { kind: 'samples', samples };
}

/** @param {string} reason @returns {Failed} */
function failed(reason) {
  return { kind: 'failed', reason };
}

/** @param {string} reason @returns {NotApplicable} */
function na(reason) {
  return { kind: 'na', reason };
}

module.exports = { interleave, outcomeOf, failed, na, messageOf };
