'use strict';
/**
 * The host's process table (from /proc) and private memory of a process. Read as root.
 */
const fs = require('node:fs');

/**
 * @typedef {object} Proc
 * @property {number} pid
 * @property {number} ppid
 * @property {number} uid     real uid
 * @property {string} comm
 * @property {string} cmdline  arguments joined by spaces
 */

/** @returns {Map<number, Proc>} */
function readProcTable() {
  /** @type {Map<number, Proc>} */
  const table = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const proc = readProc(Number(name));
    if (proc) table.set(proc.pid, proc);
  }
  return table;
}

/** @param {number} pid @returns {Proc | undefined} */
function readProc(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (/** @type {string} */ key) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '').join(' ');
    return { pid, ppid: Number(field('PPid')), uid: Number(field('Uid').split(/\s+/)[0]), comm: field('Name'), cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * pid and its ancestors owned by `uid`, nearest first (stops below the first foreign or pid-1 parent).
 * @param {Map<number, Proc>} table @param {number} pid @param {number} uid @returns {Proc[]}
 */
function ancestry(table, pid, uid) {
  /** @type {Proc[]} */
  const chain = [];
  let p = table.get(pid);
  while (p !== undefined && chain.length < 64) {
    chain.push(p);
    const parent = table.get(p.ppid);
    if (parent === undefined || parent.pid === 1 || parent.uid !== uid) break;
    p = parent;
  }
  return chain;
}

/** Every descendant of pid (not pid itself). @param {Map<number, Proc>} table @param {number} pid @returns {Proc[]} */
function descendants(table, pid) {
  /** @type {Proc[]} */
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = /** @type {number} */ (queue.shift());
    for (const p of table.values()) {
      if (p.ppid === current) {
        out.push(p);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

/**
 * Private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) in KiB.
 * @param {number} pid @returns {number}
 */
function privateKiB(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  let kib = 0;
  for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB$/gm)) kib += Number(m[1]);
  return kib;
}

module.exports = { readProcTable, ancestry, descendants, privateKiB };
