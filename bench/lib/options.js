'use strict';
/**
 * Command-line options of `npm run bench` (pure: argv in, options out).
 */

const CASE_NAMES = /** @type {const} */ (['pull', 'run', 'run-net', 'net-throughput', 'many', 'memory', 'disk']);

/** @typedef {typeof CASE_NAMES[number]} CaseName */

/**
 * @typedef {object} BenchOptions
 * @property {CaseName[]} only      cases to run, in the canonical order
 * @property {number} runs          timed repetitions of the quick cases (pull, run, run-net)
 * @property {number} heavyRuns     repetitions of the slow cases (many, memory): min(runs, 3)
 * @property {boolean} build        run `npm run build` first
 * @property {boolean} install      run e2e/setup/install.sh first
 * @property {boolean} writeDoc     rewrite docs/benchmarks.md
 * @property {boolean} help
 */

const USAGE = `usage: npm run bench -- [--only ${CASE_NAMES.join(',')}] [--runs N] [--no-build] [--no-install] [--write-doc|--no-doc]

  --only LIST    comma-separated cases (default: all)
  --runs N       timed repetitions of pull, run and run-net (default 15); many and memory use min(N, 3)
  --no-build     skip "npm run build"
  --no-install   skip e2e/setup/install.sh (benchmark what is already in /opt/tsctr)
  --write-doc    rewrite docs/benchmarks.md even for a partial (--only) run
  --no-doc       never rewrite docs/benchmarks.md
Run as root; the tools run as the unprivileged user tsctr-test.`;

/**
 * @param {readonly string[]} argv  process.argv.slice(2)
 * @returns {BenchOptions}
 */
function parseOptions(argv) {
  /** @type {Set<CaseName>} */
  let only = new Set(CASE_NAMES);
  // 15: the medians of run and run-net move by a few per cent between batches of 7 on a shared machine.
  let runs = 15;
  let build = true;
  let install = true;
  /** @type {boolean | undefined} */
  let writeDoc;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--only':
        only = parseCaseList(value());
        break;
      case '--runs':
        runs = parseRuns(value());
        break;
      case '--no-build':
        build = false;
        break;
      case '--no-install':
        install = false;
        break;
      case '--write-doc':
        writeDoc = true;
        break;
      case '--no-doc':
        writeDoc = false;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n\n${USAGE}`);
    }
  }
  const ordered = CASE_NAMES.filter((name) => only.has(name));
  return {
    only: ordered,
    runs,
    heavyRuns: Math.min(runs, 3),
    build,
    install,
    writeDoc: writeDoc ?? ordered.length === CASE_NAMES.length,
    help,
  };
}

/** @param {string} arg @returns {[string, string | undefined]} */
function splitFlag(arg) {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** @param {string} text @returns {Set<CaseName>} */
function parseCaseList(text) {
  /** @type {Set<CaseName>} */
  const names = new Set();
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const known = CASE_NAMES.find((c) => c === name);
    if (!known) throw new Error(`--only: unknown case "${name}"; the cases are ${CASE_NAMES.join(', ')}`);
    names.add(known);
  }
  if (names.size === 0) throw new Error(`--only needs at least one of ${CASE_NAMES.join(', ')}`);
  return names;
}

/** @param {string} text */
function parseRuns(text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--runs must be a whole number from 1 to 1000, not "${text}"`);
  return n;
}

module.exports = { CASE_NAMES, USAGE, parseOptions };
