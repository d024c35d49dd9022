'use strict';
/**
 * V8 code cache for the bundles: `writeCodeCache(bundle)` runs the bundle once in a child Node
 * ("training": the CLI parses a few harmless command lines that fail before touching anything, the
 * other programs start without arguments and exit on the usage error), then saves
 * `script.createCachedData()` as BUNDLE.cache. A cache taken after running holds the bytecode of
 * every function compiled so far, not only the top level; load-bundle.js hands it to V8, which
 * checks that it matches this Node version and source and otherwise ignores it.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Command lines the CLI runs during training: each loads a command's modules and fails on usage. */
const CLI_TRAINING = [['run'], ['create'], ['start'], ['exec'], ['ps', '--filter', 'bad'], ['pull'], ['rm'], ['logs'], ['stop'], ['images', '--format', '{{'], ['inspect']];

/** Runs inside the training child: argv = [node, code-cache.js, '--train', bundle, storeDir]. */
async function train(bundle, storeDir) {
  const { loadBundle } = require(path.join(path.dirname(bundle), 'load-bundle.js'));
  const { script, run } = loadBundle(bundle);
  process.once('exit', () => fs.writeFileSync(`${bundle}.cache`, script.createCachedData()));
  process.argv = [process.argv[0], bundle];
  const loaded = run();
  if (path.basename(bundle) !== 'tsctr.bundle.js') return;
  const globals = ['--root', path.join(storeDir, 'root'), '--runroot', path.join(storeDir, 'run')];
  for (const args of CLI_TRAINING) await loaded.main([...globals, ...args]);
  process.exit(0);
}

/** @param {string} bundle */
function writeCodeCache(bundle) {
  fs.rmSync(`${bundle}.cache`, { force: true });
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-code-cache-'));
  try {
    const result = spawnSync(process.execPath, [path.join(__dirname, 'code-cache.js'), '--train', bundle, storeDir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, env: { PATH: process.env.PATH, HOME: storeDir } });
    if (!fs.existsSync(`${bundle}.cache`)) throw new Error(`no code cache for ${bundle}: ${result.error?.message ?? result.stderr.toString().trim()}`);
  } finally {
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--train') {
  train(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { writeCodeCache };
