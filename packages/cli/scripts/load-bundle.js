'use strict';
/**
 * Runs a bundle (dist-bundle/NAME.bundle.js) as a CommonJS module, compiled with the V8 code cache
 * next to it (NAME.bundle.js.cache, written at build time by code-cache.js) when there is one.
 * A cache made by another Node/V8 version or for another source is rejected by V8, which then
 * compiles the source as usual.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/**
 * Compiles the bundle; `run()` executes it and returns its module.exports.
 * @param {string} file
 */
function loadBundle(file) {
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {
    // no cache: compile from source
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const run = () => {
    const mod = new Module(file, module);
    mod.filename = file;
    mod.paths = Module._nodeModulePaths(path.dirname(file));
    mod.loaded = true;
    const fn = script.runInThisContext({ displayErrors: true });
    fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
    return mod.exports;
  };
  return { script, run };
}

/** @param {string} file */
function runBundle(file) {
  return loadBundle(file).run();
}

module.exports = { loadBundle, runBundle };
