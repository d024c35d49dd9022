'use strict';
/**
 * Case "net-throughput": 200 MiB downloaded with curl from busybox httpd in a container through a
 * published port (`-p PORT:80`), each tool with its default rootless network (tsctr: slirp4netns
 * with its API port forwarding; podman: slirp4netns with its default rootlesskit port handler).
 * The figure is curl's own time_total, so process start-up is not in it.
 */
const net = require('node:net');
const { setTimeout } = require('node:timers');
const { interleave, failed } = require('../lib/outcome');
const { run, runAsUser, failureReason } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore } = require('../lib/tools');
const { BUSYBOX, seriesRow, pullUntimed } = require('../lib/context');

const SIZE_MIB = 200;

/** A host port free now. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {string} url @returns {{ seconds: number, bytes: number } | undefined} */
function download(url) {
  const r = run(['curl', '-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url], { timeoutSeconds: 300 });
  if (r.status !== 0) return undefined;
  const [seconds, bytes] = r.stdout.trim().split(' ').map(Number);
  return { seconds: seconds ?? 0, bytes: bytes ?? 0 };
}

/**
 * @param {import('../lib/context').Context} ctx
 * @returns {Promise<import('../lib/outcome').CaseResult>}
 */
async function netThroughputCase(ctx) {
  const stores = new Map(ctx.tools.map((t) => [t.name, freshStore(ctx.user, t.name, 'netput')]));
  /** @type {Map<string, string>} */
  const urls = new Map();
  /** @type {Map<string, import('../lib/outcome').Outcome>} */
  const unavailable = new Map();
  for (const tool of ctx.tools) {
    const store = /** @type {import('../lib/tools').Store} */ (stores.get(tool.name));
    try {
      pullUntimed(ctx, tool, store, BUSYBOX);
      const port = await freePort();
      const args = ['run', '-d', '--name', 'bench-net', '-p', `${port}:80`, BUSYBOX, 'sh', '-c',
        `mkdir /www && dd if=/dev/zero of=/www/big bs=1M count=${SIZE_MIB} 2>/dev/null && exec httpd -f -p 80 -h /www`];
      const started = runAsUser(ctx.user, toolArgv(tool, store, args), { timeoutSeconds: 120 });
      if (started.status !== 0) throw new Error(failureReason([tool.name, ...args], started));
      const url = `http://127.0.0.1:${port}/big`;
      // httpd starts after the file is complete: the first answer means the case is ready.
      let ready = false;
      for (let i = 0; i < 300 && !ready; i++) {
        ready = run(['curl', '-s', '-o', '/dev/null', '-I', url], { timeoutSeconds: 10 }).status === 0;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      if (!ready) throw new Error(`${tool.name}: httpd behind -p ${port}:80 never answered`);
      urls.set(tool.name, url);
    } catch (e) {
      unavailable.set(tool.name, failed(e instanceof Error ? e.message : String(e)));
      ctx.log(`  ${tool.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const ready = ctx.tools.filter((t) => urls.has(t.name));
  const series = await interleave(ready, ctx.runs, (tool) => {
    const got = download(/** @type {string} */ (urls.get(tool.name)));
    if (!got || got.bytes !== SIZE_MIB * 1024 * 1024) throw new Error(`${tool.name}: the download through the published port failed or was short`);
    return { transfer: got.seconds };
  }, ctx.log);
  for (const tool of ctx.tools) {
    const store = /** @type {import('../lib/tools').Store} */ (stores.get(tool.name));
    runAsUser(ctx.user, toolArgv(tool, store, ['rm', ...tool.forceRemove, 'bench-net']), { timeoutSeconds: 60 });
    disposeStore(ctx.user, tool, store);
  }
  const row = seriesRow(ctx, series, `${SIZE_MIB} MiB over a published port (curl -> httpd)`, 's', 'transfer');
  return {
    name: 'net-throughput',
    title: 'Throughput through a published port',
    rows: [{ ...row, tsctr: unavailable.get('tsctr') ?? row.tsctr, podman: unavailable.get('podman') ?? row.podman }],
    notes: [`net-throughput: curl's time_total for ${SIZE_MIB} MiB from busybox httpd behind -p PORT:80 on 127.0.0.1 (lower is faster); tsctr forwards through slirp4netns's API, podman through its default rootlesskit port handler.`],
  };
}

module.exports = { netThroughputCase };
