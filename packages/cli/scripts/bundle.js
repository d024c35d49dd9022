'use strict';
/**
 * `npm run build:bundle` (after `tsc -b`): bundles each Node entry point of tsctr into one file in
 * packages/cli/dist-bundle/ with esbuild, so a start reads and compiles one file instead of
 * resolving and loading ~200 modules. Entry points: the CLI (tsctr.js) and every program tsctr
 * starts with `node FILE` (engine/src/install-layout.ts, ENTRY_POINTS). koffi stays external (it
 * loads a .node addon from its own directory). Then writes a V8 code cache for each bundle
 * (code-cache.js).
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { writeCodeCache } = require('./code-cache');

const CLI_DIR = path.resolve(__dirname, '..');
const ENGINE_DIST = path.resolve(CLI_DIR, '..', 'engine', 'dist');
const OUT_DIR = path.join(CLI_DIR, 'dist-bundle');

/** Bundles without a code cache: the lean monitor trades start-up time for memory. */
const NO_CODE_CACHE = new Set(['monitor-main', 'monitor-extras', 'monitor-end', 'copy-session', 'recipe-start']);
/** Bundles that are required, not run: no `node NAME.js` stub. */
const LIBRARIES = new Set(['monitor-extras', 'monitor-end', 'copy-session', 'prelaunch', 'recipe-start', 'tsctr-run', 'tsctr-pull']);

/** @type {Record<string, string>} bundle name -> compiled entry module */
const ENTRIES = {
  tsctr: path.join(CLI_DIR, 'dist', 'main.js'),
  // Not a program: what bin/tsctr tries first for `run` (src/run-main.ts), before the whole CLI.
  'tsctr-run': path.join(CLI_DIR, 'dist', 'run-main.js'),
  // Not a program: the pull as run/create load it for a missing image (src/pull-entry.ts).
  'tsctr-pull': path.join(CLI_DIR, 'dist', 'pull-entry.js'),
  // Not a program: what bin/tsctr runs for `run` before it loads the CLI (src/prelaunch.ts).
  prelaunch: path.join(CLI_DIR, 'dist', 'prelaunch.js'),
  // Not a program: what bin/tsctr tries before the pre-launch, required as it is (src/recipe-start.ts).
  'recipe-start': path.join(CLI_DIR, 'dist', 'recipe-start.js'),
  'engine-main': path.join(ENGINE_DIST, 'runtime/engine/engine-main.js'),
  'monitor-main': path.join(ENGINE_DIST, 'runtime/engine/monitor-main.js'),
  // Not a program: what the monitor requires on first use (monitor.ts).
  'monitor-extras': path.join(ENGINE_DIST, 'runtime/engine/monitor-extras.js'),
  // Not a program: what the monitor requires for state writes and the end of its container.
  'monitor-end': path.join(ENGINE_DIST, 'runtime/engine/monitor-end.js'),
  // Not a program: what the engine requires for its first `cp` (engine.ts).
  'copy-session': path.join(ENGINE_DIST, 'runtime/engine/copy-session.js'),
  'extract-worker': path.join(ENGINE_DIST, 'storage/extract-worker.js'),
  'diff-worker': path.join(ENGINE_DIST, 'runtime/inspect/diff-worker.js'),
  'copy-worker': path.join(ENGINE_DIST, 'runtime/copy/copy-worker.js'),
};

async function main() {
  const entries = Object.entries(ENTRIES).filter(([, file]) => fs.existsSync(file));
  const missing = Object.keys(ENTRIES).filter((name) => !entries.some(([n]) => n === name));
  if (missing.length > 0) throw new Error(`no tsc output for ${missing.join(', ')}: run "tsc -b" first`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: Object.fromEntries(entries.map(([name, file]) => [`${name}.bundle`, file])),
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    define: { TSCTR_BUNDLE: 'true' },
    // Shorter source parses faster; names stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    // monitor.ts requires monitor-extras and monitor-end by a computed path on purpose (separate bundles).
    logOverride: { 'unsupported-require-call': 'silent' },
  });
  fs.copyFileSync(path.join(__dirname, 'load-bundle.js'), path.join(OUT_DIR, 'load-bundle.js'));
  for (const [name] of entries) {
    // `node dist-bundle/NAME.js` (how tsctr starts its programs) runs the bundle through the loader.
    if (name !== 'tsctr' && !LIBRARIES.has(name)) fs.writeFileSync(path.join(OUT_DIR, `${name}.js`), `'use strict';\nrequire('./load-bundle.js').runBundle(require('node:path').join(__dirname, '${name}.bundle.js'));\n`);
    if (NO_CODE_CACHE.has(name)) fs.rmSync(path.join(OUT_DIR, `${name}.bundle.js.cache`), { force: true });
    else writeCodeCache(path.join(OUT_DIR, `${name}.bundle.js`));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
