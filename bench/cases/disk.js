'use strict';
/**
 * Case "disk": how much the data root grows when 100 containers of one image each write 1 KB,
 * against what the image itself takes. A new store per tool; the image is pulled, then 100
 * `run --network none busybox sh -c 'head -c 1024 /dev/urandom >/bench-1k'` (not removed). Sizes are
 * disk usage (`du -s -B1`, allocated blocks, hard links counted once), taken as root.
 */
const { run, mustRunAsUser } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore } = require('../lib/tools');
const { BUSYBOX, pullUntimed } = require('../lib/context');
const { failed, na, messageOf } = require('../lib/outcome');

const CONTAINERS = 100;

/** Disk usage of a directory in bytes. @param {string} dir */
function diskUsage(dir) {
  const r = run(['du', '-s', '-B1', dir], { timeoutSeconds: 300 });
  if (r.status !== 0) throw new Error(`du ${dir}: ${r.stderr.trim()}`);
  return Number(r.stdout.split(/\s/)[0]);
}

/**
 * @param {import('../lib/context').Context} ctx @param {import('../lib/tools').Tool} tool
 * @returns {{image: number, growth: number, perContainer: number, runrootGrowth: number}} KiB
 */
function measureTool(ctx, tool) {
  const store = freshStore(ctx.user, tool.name, 'disk');
  try {
    mustRunAsUser(ctx.user, toolArgv(tool, store, ['images', '-q']));
    const empty = diskUsage(store.root);
    pullUntimed(ctx, tool, store, BUSYBOX);
    const pulled = diskUsage(store.root);
    const pulledRun = diskUsage(store.runroot);
    for (let n = 0; n < CONTAINERS; n++) {
      mustRunAsUser(ctx.user, toolArgv(tool, store, ['run', '--network', 'none', BUSYBOX, 'sh', '-c', 'head -c 1024 /dev/urandom >/bench-1k']), { timeoutSeconds: 120 });
    }
    const after = diskUsage(store.root);
    const afterRun = diskUsage(store.runroot);
    const kib = (/** @type {number} */ b) => b / 1024;
    const result = { image: kib(pulled - empty), growth: kib(after - pulled), perContainer: kib(after - pulled) / CONTAINERS, runrootGrowth: kib(afterRun - pulledRun) };
    ctx.log(`  ${tool.name}: image ${result.image.toFixed(0)} KiB, +${result.growth.toFixed(0)} KiB for ${CONTAINERS} containers, run root +${result.runrootGrowth.toFixed(0)} KiB`);
    return result;
  } finally {
    disposeStore(ctx.user, tool, store);
  }
}

/** @param {import('../lib/context').Context} ctx @returns {Promise<import('../lib/outcome').CaseResult>} */
async function diskCase(ctx) {
  /** @type {Map<string, ReturnType<typeof measureTool> | string>} */
  const results = new Map();
  for (const tool of ctx.tools) {
    try {
      results.set(tool.name, measureTool(ctx, tool));
    } catch (e) {
      results.set(tool.name, messageOf(e));
      ctx.log(`  ${tool.name}: failed: ${messageOf(e)}`);
    }
  }
  /** @param {string} tool @param {'image' | 'growth' | 'perContainer' | 'runrootGrowth'} key @returns {import('../lib/outcome').Outcome} */
  const outcome = (tool, key) => {
    const r = results.get(tool);
    if (r === undefined) return na(tool === 'podman' ? ctx.podmanAbsent ?? 'not run' : 'not run');
    if (typeof r === 'string') return failed(r);
    return { kind: 'samples', samples: [r[key]] };
  };
  /** @type {Array<[string, 'image' | 'growth' | 'perContainer' | 'runrootGrowth']>} */
  const specs = [
    ['disk: the pulled image (data root growth by the pull)', 'image'],
    [`disk: data root growth after ${CONTAINERS} containers writing 1 KB each`, 'growth'],
    ['disk: data root growth per container', 'perContainer'],
    [`disk: run root growth after ${CONTAINERS} containers`, 'runrootGrowth'],
  ];
  return {
    name: 'disk',
    title: 'Disk per container',
    rows: specs.map(([label, key]) => ({ label, unit: /** @type {const} */ ('KiB'), tsctr: outcome('tsctr', key), podman: outcome('podman', key) })),
    notes: [`disk: one pass per tool (the figures are deterministic up to file system block rounding); ${CONTAINERS} exited containers are kept while measuring; du -s -B1 as root.`],
  };
}

module.exports = { diskCase };
