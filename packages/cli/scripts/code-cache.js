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
const CLI_TRAINING = [
  ['run'], ['create'], ['start'], ['exec'], ['ps', '--filter', 'bad'], ['pull'], ['rm'], ['logs'], ['stop'], ['images', '--format', '{{'], ['inspect'],
  // run's fast path (no yargs) up to the flag checks, which refuse the stop timeout.
  ['run', '--rm', '--network', 'none', '--stop-timeout', 'never', 'busybox', 'true'],
];

/**
 * Bundles whose cache holds every function, compiled eagerly (V8's --no-lazy while the script
 * compiles, --lazy again before the cache is made, so that its flag hash is the one of a normal
 * start). For the engine this beat a trained cache (its training cannot run a container): ~2-3 ms
 * less from `go` to the payload's start, for ~1 ms more to load the bigger cache. The CLI does
 * better with its trained cache (it uses a small part of a large bundle).
 */
const EAGER = new Set(['engine-main.bundle.js']);

/** Runs inside the training child: argv = [node, code-cache.js, '--train', bundle, storeDir]. */
async function train(bundle, storeDir) {
  const { loadBundle } = require(path.join(path.dirname(bundle), 'load-bundle.js'));
  if (EAGER.has(path.basename(bundle))) {
    const v8 = require('node:v8');
    v8.setFlagsFromString('--no-lazy');
    const { script } = loadBundle(bundle);
    v8.setFlagsFromString('--lazy');
    fs.writeFileSync(`${bundle}.cache`, script.createCachedData());
    return;
  }
  const { script, run } = loadBundle(bundle);
  process.once('exit', () => fs.writeFileSync(`${bundle}.cache`, script.createCachedData()));
  process.argv = [process.argv[0], bundle];
  const loaded = run();
  // The pre-launch's argv scan (pure); its launch is not run here.
  if (path.basename(bundle) === 'prelaunch.bundle.js') loaded.scanRunArgv(['--root', '/r', 'run', '--rm', '-it', '-e', 'A=1', '--network', 'none', 'busybox', 'sh']);
  // run's fast path up to the flag checks, which refuse the stop timeout.
  if (path.basename(bundle) === 'tsctr-run.bundle.js') {
    await loaded.runMain(['--root', path.join(storeDir, 'root'), '--runroot', path.join(storeDir, 'run'), 'run', '--rm', '--network', 'none', '--stop-timeout', 'never', 'busybox', 'true']);
    process.exit(0);
  }
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
    if (!cacheAccepted(bundle)) throw new Error(`V8 rejects the code cache made for ${bundle} in a plain start`);
  } finally {
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

/** Whether a plain `node` accepts the cache (a flag left changed by the training would make V8 reject it). */
function cacheAccepted(bundle) {
  const check = `const{loadBundle}=require(${JSON.stringify(path.join(path.dirname(bundle), 'load-bundle.js'))});process.exit(loadBundle(${JSON.stringify(bundle)}).script.cachedDataRejected?1:0)`;
  return spawnSync(process.execPath, ['-e', check], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

if (process.argv[2] === '--train') {
  train(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { writeCodeCache };
