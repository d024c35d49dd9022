'use strict';
/**
 * What every case receives, and small helpers the cases share.
 */
const { outcomeOf } = require('./outcome');
const { REGISTRY } = require('./prepare');
const { toolArgv } = require('./tools');
const { mustRunAsUser } = require('./exec');

/**
 * @typedef {object} Context
 * @property {import('./exec').BenchUser} user
 * @property {import('./tools').Tool[]} tools   tsctr, then podman when it is installed
 * @property {string | undefined} podmanAbsent  why podman is not measured, when it is not
 * @property {number} runs                      repetitions of the quick cases
 * @property {number} heavyRuns                 repetitions of the slow cases
 * @property {(msg: string) => void} log
 */

const BUSYBOX = `${REGISTRY}/busybox:latest`;
const LAYERS = `${REGISTRY}/fixtures/layers:latest`;

/**
 * A table row from interleaved series.
 * @param {Context} ctx @param {Map<string, import('./outcome').ToolSeries>} series
 * @param {string} label @param {import('./outcome').Unit} unit @param {string} metric
 * @returns {import('./outcome').Row}
 */
function seriesRow(ctx, series, label, unit, metric) {
  return {
    label,
    unit,
    tsctr: outcomeOf(series.get('tsctr'), metric, 'not run'),
    podman: outcomeOf(series.get('podman'), metric, ctx.podmanAbsent ?? 'not run'),
  };
}

/**
 * Pulls an image into a store, untimed (set-up of a case).
 * @param {Context} ctx @param {import('./tools').Tool} tool @param {import('./tools').Store} store @param {string} image
 */
function pullUntimed(ctx, tool, store, image) {
  mustRunAsUser(ctx.user, toolArgv(tool, store, ['pull', '-q', image]), { timeoutSeconds: 600 });
}

/** The first whitespace-free token of a command's output (container ids). @param {string} stdout */
function firstToken(stdout) {
  const lines = stdout.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}

module.exports = { BUSYBOX, LAYERS, seriesRow, pullUntimed, firstToken };
