'use strict';
/**
 * `npm run bench`: tsctr against rootless podman on this machine (see docs/benchmarks.md).
 * Run as root: it builds, checks the local registry and fixtures, installs tsctr for the
 * unprivileged user tsctr-test, configures rootless podman for that user, then runs each case
 * with interleaved A/B runs as that user, prints a table and rewrites docs/benchmarks.md.
 * Benchmarks are not tests: nothing here asserts a timing.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseOptions, USAGE } = require('./lib/options');
const { lookupUser, runAsUser, commandExists, failureReason } = require('./lib/exec');
const { REGISTRY, build, ensureRegistry, install, log } = require('./lib/prepare');
const { applyPodmanConfig } = require('./lib/podman-config');
const { alignDefaultStore, podmanSetup } = require('./lib/podman-store');
const { TSCTR, PODMAN, TSCTR_BIN, freshStore, disposeStore } = require('./lib/tools');
const { machineFacts } = require('./lib/machine');
const { summarize } = require('./lib/stats');
const { textTable, markdown, keptAnalysis } = require('./lib/report');
const { failed, messageOf } = require('./lib/outcome');
const { pullCase } = require('./cases/pull');
const { runCase } = require('./cases/run');
const { manyCase } = require('./cases/many');
const { memoryCase } = require('./cases/memory');
const { diskCase } = require('./cases/disk');
const { netThroughputCase } = require('./cases/net-throughput');

const BENCH_USER = 'tsctr-test';
const REPO = path.resolve(__dirname, '..');
const DOC = path.join(REPO, 'docs', 'benchmarks.md');

/** @type {Record<import('./lib/options').CaseName, (ctx: import('./lib/context').Context) => Promise<import('./lib/outcome').CaseResult>>} */
const CASES = {
  pull: pullCase,
  run: (ctx) => runCase(ctx, 'none'),
  'run-net': (ctx) => runCase(ctx, 'slirp4netns'),
  many: manyCase,
  memory: memoryCase,
  disk: diskCase,
  'net-throughput': netThroughputCase,
};

/**
 * Median wall time of `runuser -u USER -- env -i ... true`: the part of every figure that is the
 * harness's way of switching user (reported, not subtracted).
 * @param {import('./lib/exec').BenchUser} user
 */
function runuserOverhead(user) {
  const samples = Array.from({ length: 7 }, () => runAsUser(user, ['true']).seconds);
  return summarize(samples).median;
}

/** @param {import('./lib/exec').BenchUser} user @returns {string[]} */
function preparePodman(user) {
  const lines = applyPodmanConfig(user, REGISTRY);
  lines.push(alignDefaultStore(user));
  for (const l of lines) log(l);
  return lines.filter((l) => l.startsWith('WARNING'));
}

/** A case that threw as a whole: one failed row. @param {string} name @param {unknown} e @returns {import('./lib/outcome').CaseResult} */
function crashedCase(name, e) {
  const reason = messageOf(e);
  return { name, title: name, rows: [{ label: `${name} (whole case)`, unit: 's', tsctr: failed(reason), podman: failed(reason) }], notes: [] };
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (process.getuid?.() !== 0) throw new Error('run it as root (sudo npm run bench): it installs tsctr and runs both tools as the user tsctr-test');
  const user = lookupUser(BENCH_USER);
  /** @type {string[]} */
  const warnings = [];
  if (opts.build) {
    const w = build(REPO);
    if (w) warnings.push(w);
  }
  ensureRegistry(REPO);
  if (opts.install) install(REPO);
  const version = runAsUser(user, [TSCTR_BIN, 'version']);
  if (version.status !== 0) throw new Error(`the installed tsctr does not run as ${user.name}: ${failureReason([TSCTR_BIN, 'version'], version)}`);

  const podmanPresent = commandExists('podman');
  /** @type {import('./lib/podman-store').PodmanSetup | undefined} */
  let podman;
  if (podmanPresent) {
    warnings.push(...preparePodman(user));
    const infoStore = freshStore(user, 'podman', 'info');
    podman = podmanSetup(user, infoStore);
    disposeStore(user, PODMAN, infoStore);
    if (podman) log(`podman uses storage ${podman.driver} (${podman.storageDetail}), runtime ${podman.runtime}, ${podman.cgroupManager}, events ${podman.eventLogger}`);
  } else {
    log('podman is not installed: tsctr is measured alone');
  }
  const overhead = runuserOverhead(user);
  log(`runuser + env overhead: ${(overhead * 1000).toFixed(1)} ms (included in every time, not subtracted)`);

  /** @type {import('./lib/context').Context} */
  const ctx = {
    user,
    tools: podmanPresent ? [TSCTR, PODMAN] : [TSCTR],
    podmanAbsent: podmanPresent ? undefined : 'podman is not installed',
    runs: opts.runs,
    heavyRuns: opts.heavyRuns,
    log,
  };
  const loadBefore = os.loadavg()[0];
  /** @type {import('./lib/outcome').CaseResult[]} */
  const results = [];
  for (const name of opts.only) {
    log(`case ${name}`);
    try {
      results.push(await CASES[name](ctx));
    } catch (e) {
      log(`case ${name} failed: ${messageOf(e)}`);
      results.push(crashedCase(name, e));
    }
  }

  const loadAfter = os.loadavg()[0];
  const busy = busyWarning(loadBefore, loadAfter);
  if (busy) {
    warnings.push(busy);
    log(`WARNING: ${busy}`);
  }
  console.log(`\n${textTable(results)}\n`);
  if (!opts.writeDoc) {
    log(`${path.relative(REPO, DOC)} not rewritten (partial run; add --write-doc to rewrite it anyway)`);
    return;
  }
  const previous = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : undefined;
  const args = process.argv.slice(2);
  fs.writeFileSync(DOC, markdown({
    cases: results,
    facts: { ...machineFacts(REPO), load: `${loadBefore.toFixed(2)} before the cases, ${loadAfter.toFixed(2)} after (1-minute load average)` },
    podman,
    method: methodBullets(ctx, overhead),
    warnings,
    analysis: keptAnalysis(previous),
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  }));
  log(`wrote ${path.relative(REPO, DOC)}`);
}

/**
 * A warning when other work shared the CPUs (1-minute load above half the CPU count).
 * @param {number} before @param {number} after @returns {string | undefined}
 */
function busyWarning(before, after) {
  const cpus = os.cpus().length;
  const load = Math.max(before, after);
  if (load <= cpus / 2) return undefined;
  return `the machine was busy (1-minute load up to ${load.toFixed(1)} on ${cpus} CPUs): other work shared the CPUs, so the spreads are wide and single figures noisy; the interleaving spreads the noise over both tools, so the ratios are the figures to compare. Rerun on an idle machine for absolute times.`;
}

/** @param {import('./lib/context').Context} ctx @param {number} overhead @returns {string[]} */
function methodBullets(ctx, overhead) {
  return [
    `Both tools run as the unprivileged user \`${ctx.user.name}\` through \`runuser -u ${ctx.user.name} -- env -i HOME=... PATH=... <tool> ...\` from a root Node process; each time is \`process.hrtime\` around \`spawnSync\` of that whole command line (wall time), nothing subtracted. \`runuser\` + \`env\` alone take ${(overhead * 1000).toFixed(1)} ms (median), inside every figure for both tools.`,
    `tsctr is the installed build (\`${TSCTR_BIN}\`, from \`e2e/setup/install.sh\`); podman is Debian's, configured rootless by the harness in \`~/.config/containers\`: containers.conf (cgroup_manager cgroupfs, events_logger file, runtime runc), storage.conf (driver overlay without mount_program: native kernel overlay in the user namespace; without a storage.conf podman 4.3 chose vfs here), registries.conf (${REGISTRY} insecure).`,
    'Every case gives each tool its own data root and run root (`--root`, `--runroot`) that are created empty for the case and removed after it; the images come from the local registry on 127.0.0.1:5000 (Debian docker-registry).',
    `A/B runs are interleaved (tsctr, podman, tsctr, podman, ...); the quick cases run ${ctx.runs} times per tool, the slow ones (many, memory) ${ctx.heavyRuns}. Figures are median (min–max); the ratio is tsctr's median over podman's (below 1: tsctr is faster or smaller).`,
    'A case that fails for one tool shows "failed" with the reason and the harness goes on; "n/a" means the feature does not exist (yet) in that tool.',
  ];
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
