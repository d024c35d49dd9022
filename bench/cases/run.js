'use strict';
/**
 * Cases "run" and "run-net": `run --rm busybox true` latency with --network none, and with each
 * tool's default rootless network (slirp4netns). The image is pulled and one untimed run is made
 * first (podman's first run starts its pause process, both warm the page cache).
 */
const { interleave, na, failed } = require('../lib/outcome');
const { runAsUser, mustRunAsUser, failureReason } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore } = require('../lib/tools');
const { BUSYBOX, seriesRow, pullUntimed } = require('../lib/context');

/** tsctr's answer when a network mode is not implemented yet. */
const UNSUPPORTED = /not supported|unsupported|only offers|unknown network/i;

/**
 * @param {import('../lib/context').Context} ctx
 * @param {'none' | 'slirp4netns'} network
 * @returns {Promise<import('../lib/outcome').CaseResult>}
 */
async function runCase(ctx, network) {
  const caseKey = network === 'none' ? 'run' : 'runnet';
  const runArgs = ['run', '--rm', '--network', network, BUSYBOX, 'true'];
  const stores = new Map(ctx.tools.map((t) => [t.name, freshStore(ctx.user, t.name, caseKey)]));
  /** @type {Map<string, import('../lib/outcome').Outcome>} */
  const unavailable = new Map();
  const ready = ctx.tools.filter((tool) => {
    const store = /** @type {import('../lib/tools').Store} */ (stores.get(tool.name));
    try {
      pullUntimed(ctx, tool, store, BUSYBOX);
    } catch (e) {
      unavailable.set(tool.name, failed(e instanceof Error ? e.message : String(e)));
      return false;
    }
    const argv = toolArgv(tool, store, runArgs);
    const warm = runAsUser(ctx.user, argv, { timeoutSeconds: 120 });
    if (warm.status === 0) return true;
    const reason = failureReason([tool.name, ...runArgs], warm);
    unavailable.set(tool.name, UNSUPPORTED.test(warm.stderr) ? na(`${tool.name} has no ${network} networking yet (${lastLine(warm.stderr)})`) : failed(reason));
    ctx.log(`  ${tool.name}: ${reason}`);
    return false;
  });
  const series = await interleave(ready, ctx.runs, (tool) => {
    const store = /** @type {import('../lib/tools').Store} */ (stores.get(tool.name));
    return { run: mustRunAsUser(ctx.user, toolArgv(tool, store, runArgs), { timeoutSeconds: 120 }).seconds };
  }, ctx.log);
  for (const tool of ctx.tools) disposeStore(ctx.user, tool, /** @type {import('../lib/tools').Store} */ (stores.get(tool.name)));
  const row = seriesRow(ctx, series, `run --rm --network ${network} busybox true`, 's', 'run');
  return {
    name: network === 'none' ? 'run' : 'run-net',
    title: network === 'none' ? 'Start and remove, no network' : 'Start and remove, default network',
    rows: [{ ...row, tsctr: unavailable.get('tsctr') ?? row.tsctr, podman: unavailable.get('podman') ?? row.podman }],
    notes: [`${network === 'none' ? 'run' : 'run-net'}: image pulled and one untimed warm-up run first; each tool with its default init setting (tsctr: its tiny init, podman: none).`],
  };
}

/** @param {string} text */
function lastLine(text) {
  const lines = text.split('\n').map((l) => l.replace(/^Error:\s*/, '').trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

module.exports = { runCase };
