'use strict';
/**
 * The two engines under test and the stores they use. Each case gets its own data root and run
 * root per tool (`--root`/`--runroot`), so measurements never touch the user's own images and a
 * fresh state is a directory removal away.
 */
const fs = require('node:fs');
const path = require('node:path');
const { run, runAsUser } = require('./exec');

/** @typedef {'tsctr' | 'podman'} ToolName */

/**
 * @typedef {object} Tool
 * @property {ToolName} name
 * @property {string[]} bin            argv prefix that starts it
 * @property {string[]} initFlag       `run` flag for a tiny init as PID 1 (tsctr runs one by default)
 * @property {string[]} forceRemove    `rm` flags that kill running containers at once: podman's
 *                                     `rm -f` alone stops them first with a 10 s grace period
 */

/**
 * @typedef {object} Store
 * @property {string} root     data root
 * @property {string} runroot  run root (short: it holds unix sockets, 108-byte path limit)
 */

const TSCTR_BIN = '/usr/local/bin/tsctr';

/** @type {Tool} */
const TSCTR = { name: 'tsctr', bin: [TSCTR_BIN], initFlag: [], forceRemove: ['-f'] };
/** @type {Tool} */
const PODMAN = { name: 'podman', bin: ['podman'], initFlag: ['--init'], forceRemove: ['-f', '--time', '0'] };

/**
 * argv for `tool` on `store`: the global store flags, then the command.
 * @param {Tool} tool @param {Store} store @param {readonly string[]} args @returns {string[]}
 */
function toolArgv(tool, store, args) {
  return [...tool.bin, '--root', store.root, '--runroot', store.runroot, ...args];
}

/** @param {import('./exec').BenchUser} user */
function benchDirs(user) {
  return {
    data: path.join(user.home, '.cache', 'tsctr-bench'),
    run: `/tmp/tsb-${user.uid}`,
  };
}

/** @param {import('./exec').BenchUser} user @param {ToolName} tool @param {string} caseKey @returns {Store} */
function storeFor(user, tool, caseKey) {
  const dirs = benchDirs(user);
  return { root: path.join(dirs.data, caseKey, tool), runroot: path.join(dirs.run, `${tool[0]}-${caseKey}`) };
}

/**
 * An empty store for `tool` in case `caseKey`: whatever an earlier run left is removed as root
 * (its files belong to subordinate ids), then the directories are created as the user.
 * @param {import('./exec').BenchUser} user @param {ToolName} tool @param {string} caseKey @returns {Store}
 */
function freshStore(user, tool, caseKey) {
  const store = storeFor(user, tool, caseKey);
  removeStore(store);
  const dirs = benchDirs(user);
  for (const dir of [path.dirname(dirs.data), dirs.data, path.dirname(store.root), dirs.run]) {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.chownSync(dir, user.uid, user.gid);
    }
  }
  for (const dir of [store.root, store.runroot]) {
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, user.uid, user.gid);
  }
  return store;
}

/** @param {Store} store */
function removeStore(store) {
  const r = run(['rm', '-rf', '--one-file-system', store.root, store.runroot], { timeoutSeconds: 600 });
  if (r.status !== 0) throw new Error(`cannot remove ${store.root} ${store.runroot}: ${r.stderr.trim()}`);
}

/**
 * Best-effort end of a case: every container of the store removed (stopping them), then the store.
 * @param {import('./exec').BenchUser} user @param {Tool} tool @param {Store} store
 */
function disposeStore(user, tool, store) {
  if (fs.existsSync(store.root)) runAsUser(user, toolArgv(tool, store, ['rm', ...tool.forceRemove, '-a']), { timeoutSeconds: 300 });
  removeStore(store);
}

module.exports = { TSCTR, PODMAN, TSCTR_BIN, toolArgv, freshStore, disposeStore, removeStore, storeFor };
