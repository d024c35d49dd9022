'use strict';
/**
 * Case "many": `run -d` of 20 `sleep 1000` containers one after the other, then one `rm -f` of all
 * 20; the wall time of each phase. The store and image are kept across iterations.
 */
const { interleave } = require('../lib/outcome');
const { mustRunAsUser, runAsUser } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore } = require('../lib/tools');
const { BUSYBOX, seriesRow, pullUntimed, firstToken } = require('../lib/context');

const COUNT = 20;

/** @param {import('../lib/context').Context} ctx @returns {Promise<import('../lib/outcome').CaseResult>} */
async function manyCase(ctx) {
  const stores = new Map(ctx.tools.map((t) => [t.name, freshStore(ctx.user, t.name, 'many')]));
  const storeOf = (/** @type {import('../lib/tools').ToolName} */ name) => /** @type {import('../lib/tools').Store} */ (stores.get(name));
  const series = await interleave(ctx.tools, ctx.heavyRuns, (tool, i) => {
    const store = storeOf(tool.name);
    if (i === 0) pullUntimed(ctx, tool, store, BUSYBOX);
    /** @type {string[]} */
    const ids = [];
    const started = process.hrtime.bigint();
    try {
      for (let n = 0; n < COUNT; n++) {
        const r = mustRunAsUser(ctx.user, toolArgv(tool, store, ['run', '-d', '--network', 'none', BUSYBOX, 'sleep', '1000']), { timeoutSeconds: 120 });
        ids.push(firstToken(r.stdout));
      }
    } catch (e) {
      runAsUser(ctx.user, toolArgv(tool, store, ['rm', ...tool.forceRemove, '-a']), { timeoutSeconds: 300 });
      throw e;
    }
    const runSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rm = mustRunAsUser(ctx.user, toolArgv(tool, store, ['rm', ...tool.forceRemove, ...ids]), { timeoutSeconds: 300 });
    return { run: runSeconds, rm: rm.seconds, total: runSeconds + rm.seconds };
  }, ctx.log);
  for (const tool of ctx.tools) disposeStore(ctx.user, tool, storeOf(tool.name));
  return {
    name: 'many',
    title: `${COUNT} containers`,
    rows: [
      seriesRow(ctx, series, `run -d of ${COUNT} containers (sequential, --network none)`, 's', 'run'),
      seriesRow(ctx, series, `rm -f of those ${COUNT} (one command)`, 's', 'rm'),
      seriesRow(ctx, series, `${COUNT} containers: run -d + rm -f`, 's', 'total'),
    ],
    notes: [
      `many: ${ctx.heavyRuns} iteration(s); \`run -d --network none busybox sleep 1000\` ${COUNT} times in a row, then \`rm -f ID...\` once.`,
      'many: podman removes with `rm -f --time 0`: its plain `rm -f` first stops each container with a 10 s grace period, which `sleep` as PID 1 (no init) sits out; tsctr\'s `rm -f` kills at once. Plain podman `rm -f` took about 31 s for the 20 here.',
    ],
  };
}

module.exports = { manyCase };
