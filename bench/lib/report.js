'use strict';
/**
 * The results as a terminal table and as docs/benchmarks.md (pure text building).
 */
const { summarize, ratio } = require('./stats');

/**
 * @typedef {import('./outcome').Outcome} Outcome
 * @typedef {import('./outcome').Row} Row
 * @typedef {import('./outcome').CaseResult} CaseResult
 */

/**
 * Targets from the issues: tsctr median / podman median must be at most this.
 * @type {Array<{match: RegExp, max: number, source: string}>}
 */
const RATIO_TARGETS = [
  { match: /^pull /, max: 1.0, source: 'issue 2: no slower than podman' },
  { match: /^run --rm --network none/, max: 0.6, source: 'issue 7: at most 0.6x podman' },
  { match: /^run --rm --network slirp4netns/, max: 0.7, source: 'issue 7: at most 0.7x podman' },
];
/** Absolute targets for tsctr's own value. @type {Array<{match: RegExp, max: number, source: string}>} */
const VALUE_TARGETS = [{ match: /^memory: the tool's own processes/, max: 8e6 / 2 ** 20, source: 'issue 7: at most 8 MB (7.63 MiB) for tsctr\'s own processes' }];

/** @param {number} v @param {import('./outcome').Unit} unit */
function formatValue(v, unit) {
  if (unit === 's') return v < 10 ? `${v.toFixed(3)} s` : `${v.toFixed(1)} s`;
  if (unit === 'MiB') return `${v.toFixed(2)} MiB`;
  return Math.abs(v) >= 10240 ? `${(v / 1024).toFixed(1)} MiB` : `${v.toFixed(1)} KiB`;
}

/**
 * One cell; failures and n/a get a footnote number.
 * @param {Outcome} o @param {import('./outcome').Unit} unit @param {(text: string) => number} footnote
 */
function cell(o, unit, footnote) {
  if (o.kind === 'failed') return `failed [${footnote(`failed: ${o.reason}`)}]`;
  if (o.kind === 'na') return `n/a [${footnote(o.reason)}]`;
  const s = summarize(o.samples);
  if (s.n === 1) return formatValue(s.median, unit);
  return `${formatValue(s.median, unit)} (${formatValue(s.min, unit)}–${formatValue(s.max, unit)})`;
}

/** @param {Row} row @returns {number | undefined} */
function rowRatio(row) {
  if (row.tsctr.kind !== 'samples' || row.podman.kind !== 'samples') return undefined;
  return ratio(summarize(row.tsctr.samples).median, summarize(row.podman.samples).median);
}

/**
 * Rows as cells: label, tsctr, podman, ratio; plus the footnotes they refer to.
 * @param {readonly CaseResult[]} cases
 * @returns {{header: string[], body: string[][], footnotes: string[]}}
 */
function tableCells(cases) {
  /** @type {string[]} */
  const footnotes = [];
  const footnote = (/** @type {string} */ text) => {
    const i = footnotes.indexOf(text);
    if (i >= 0) return i + 1;
    footnotes.push(text);
    return footnotes.length;
  };
  const body = cases.flatMap((c) => c.rows.map((row) => {
    const r = rowRatio(row);
    return [row.label, cell(row.tsctr, row.unit, footnote), cell(row.podman, row.unit, footnote), r === undefined ? '—' : `${r.toFixed(2)}x`];
  }));
  return { header: ['benchmark', 'tsctr median (min–max)', 'podman median (min–max)', 'tsctr/podman'], body, footnotes };
}

/** A plain-text table for the terminal. @param {readonly CaseResult[]} cases @returns {string} */
function textTable(cases) {
  const { header, body, footnotes } = tableCells(cases);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line), '', ...footnotes.map((f, i) => `[${i + 1}] ${f}`)].join('\n');
}

/** @param {string} text */
function escapeCell(text) {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Generated sentences: each ratio and value against its target. @param {readonly CaseResult[]} cases @returns {string[]} */
function interpretation(cases) {
  /** @type {string[]} */
  const lines = [];
  for (const row of cases.flatMap((c) => c.rows)) {
    const r = rowRatio(row);
    const target = RATIO_TARGETS.find((t) => t.match.test(row.label));
    if (r !== undefined && target) {
      const verdict = r <= target.max ? 'meets' : 'misses';
      lines.push(`\`${row.label}\`: tsctr takes ${r.toFixed(2)}x podman's median time; ${verdict} the target (${target.source}).`);
    } else if (target && (row.tsctr.kind !== 'samples' || row.podman.kind !== 'samples')) {
      lines.push(`\`${row.label}\`: no comparison (${row.tsctr.kind !== 'samples' ? `tsctr ${row.tsctr.kind === 'na' ? 'n/a' : 'failed'}` : `podman ${row.podman.kind === 'na' ? 'n/a' : 'failed'}`}); target: ${target.source}.`);
    }
    const valueTarget = VALUE_TARGETS.find((t) => t.match.test(row.label));
    if (valueTarget && row.tsctr.kind === 'samples') {
      const v = summarize(row.tsctr.samples).median;
      const podman = row.podman.kind === 'samples' ? ` (podman: ${formatValue(summarize(row.podman.samples).median, row.unit)})` : '';
      lines.push(`\`${row.label}\`: tsctr ${formatValue(v, row.unit)}${podman}; ${v <= valueTarget.max ? 'meets' : 'misses'} the target (${valueTarget.source}).`);
    }
    if (/^disk: data root growth per container/.test(row.label) && row.tsctr.kind === 'samples') {
      const t = summarize(row.tsctr.samples).median;
      const p = row.podman.kind === 'samples' ? `, podman ${formatValue(summarize(row.podman.samples).median, row.unit)}` : '';
      lines.push(`Each container adds ${formatValue(t, row.unit)} to tsctr's data root${p} (issue 7: at most the upper dir plus state).`);
    }
  }
  return lines;
}

const ANALYSIS_MARKER = '<!-- Everything below this line is written by hand and kept when npm run bench rewrites this file. -->';

/**
 * @typedef {object} DocInput
 * @property {readonly CaseResult[]} cases
 * @property {import('./machine').MachineFacts} facts
 * @property {import('./podman-store').PodmanSetup | undefined} podman
 * @property {string[]} method      general method bullets
 * @property {string[]} warnings    set-up problems that affect the figures
 * @property {string} analysis      the hand-written part of the previous file ('' for none)
 * @property {string} command       how it was run
 */

/** docs/benchmarks.md. @param {DocInput} d @returns {string} */
function markdown(d) {
  const { header, body, footnotes } = tableCells(d.cases);
  const podman = d.podman
    ? `${d.facts.tools.podman} (storage ${d.podman.driver}, ${d.podman.storageDetail}; runtime ${d.podman.runtime}; cgroup manager ${d.podman.cgroupManager}; events ${d.podman.eventLogger})`
    : d.facts.tools.podman;
  const env = [
    ['date', d.facts.date],
    ['machine', d.facts.machine],
    ...(d.facts.load ? [['load', d.facts.load]] : []),
    ['OS, kernel', `${d.facts.os}, ${d.facts.kernel}`],
    ['Node', d.facts.node],
    ['tsctr', `commit ${d.facts.tsctr}`],
    ['podman', podman],
    ...Object.entries(d.facts.tools).filter(([k]) => k !== 'podman'),
  ];
  const notes = d.cases.flatMap((c) => c.notes);
  const generated = interpretation(d.cases);
  const out = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/main.js). Edit the hand-written part at the end only. -->',
    '',
    `tsctr against rootless podman on the same machine, measured with \`${d.command}\`.`,
    '',
    '## Environment',
    '',
    '| | |',
    '| --- | --- |',
    ...env.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`),
    '',
    '## Method',
    '',
    ...d.method.map((m) => `- ${m}`),
    ...notes.map((n) => `- ${n}`),
    '',
    ...(d.warnings.length > 0 ? ['**Warnings for this run:**', '', ...d.warnings.map((w) => `- ${w}`), ''] : []),
    '## Results',
    '',
    `| ${header.join(' | ')} |`,
    `| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
    '',
    ...footnotes.map((f, i) => `${i + 1}. ${escapeCell(f)}`),
    ...(footnotes.length > 0 ? [''] : []),
    '## Interpretation (generated)',
    '',
    ...(generated.length > 0 ? generated.map((l) => `- ${l}`) : ['- Nothing to compare in this run.']),
    '',
    ANALYSIS_MARKER,
    '',
  ];
  return out.join('\n') + (d.analysis.trim() === '' ? '## Analysis\n\n(to be written)\n' : `${d.analysis.trim()}\n`);
}

/** The hand-written part of an earlier docs/benchmarks.md. @param {string | undefined} previous */
function keptAnalysis(previous) {
  if (previous === undefined) return '';
  const i = previous.indexOf(ANALYSIS_MARKER);
  return i < 0 ? '' : previous.slice(i + ANALYSIS_MARKER.length);
}

module.exports = { textTable, markdown, keptAnalysis, interpretation, formatValue };
