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

/** @type {Record<string, string>} bundle name -> compiled entry module */
const ENTRIES = {
  tsctr: path.join(CLI_DIR, 'dist', 'main.js'),
  'engine-main': path.join(ENGINE_DIST, 'runtime/engine/engine-main.js'),
  'monitor-main': path.join(ENGINE_DIST, 'runtime/engine/monitor-main.js'),
  'extract-worker': path.join(ENGINE_DIST, 'storage/extract-worker.js'),
  'diff-worker': path.join(ENGINE_DIST, 'runtime/inspect/diff-worker.js'),
  'copy-worker': path.join(ENGINE_DIST, 'runtime/copy/copy-worker.js'),
};

async function main() {
  const entries = Object.entries(ENTRIES).filter(([, file]) => fs.existsSync(file));
  const missing = Object.keys(ENTRIES).filter((name) => !entries.some(([n]) => n === name));
  if (missing.includes('tsctr') || missing.includes('engine-main')) throw new Error(`no tsc output for ${missing.join(', ')}: run "tsc -b" first`);
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
  });
  fs.copyFileSync(path.join(__dirname, 'load-bundle.js'), path.join(OUT_DIR, 'load-bundle.js'));
  for (const [name] of entries) {
    // `node dist-bundle/NAME.js` (how tsctr starts its programs) runs the bundle through the loader.
    if (name !== 'tsctr') fs.writeFileSync(path.join(OUT_DIR, `${name}.js`), `'use strict';\nrequire('./load-bundle.js').runBundle(require('node:path').join(__dirname, '${name}.bundle.js'));\n`);
    writeCodeCache(path.join(OUT_DIR, `${name}.bundle.js`));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
