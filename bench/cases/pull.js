'use strict';
/**
 * Case "pull": the ~40 MB layers fixture from the local registry into an empty store. Each
 * iteration starts from a new data root (no blobs, no layers), initialised by an untimed
 * `images -q`; only the `pull -q` is timed.
 */
const { interleave } = require('../lib/outcome');
const { mustRunAsUser, run } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore, storeFor } = require('../lib/tools');
const { LAYERS, seriesRow } = require('../lib/context');

/** @param {import('../lib/context').Context} ctx @returns {Promise<import('../lib/outcome').CaseResult>} */
async function pullCase(ctx) {
  const series = await interleave(ctx.tools, ctx.runs, (tool) => {
    const store = freshStore(ctx.user, tool.name, 'pull');
    mustRunAsUser(ctx.user, toolArgv(tool, store, ['images', '-q']));
    const r = mustRunAsUser(ctx.user, toolArgv(tool, store, ['pull', '-q', LAYERS]), { timeoutSeconds: 600 });
    return { pull: r.seconds };
  }, ctx.log);
  for (const tool of ctx.tools) disposeStore(ctx.user, tool, storeFor(ctx.user, tool.name, 'pull'));
  const size = describeImage();
  return {
    name: 'pull',
    title: 'Pull',
    rows: [seriesRow(ctx, series, `pull ${LAYERS}${size ? ` (${size})` : ''}, empty store`, 's', 'pull')],
    notes: ['pull: a new data root per iteration (initialised by an untimed `images -q`); only `pull -q` is timed.'],
  };
}

/** "N layers, X MB compressed" from the registry's manifest, or undefined. */
function describeImage() {
  const r = run(['curl', '-s', '--max-time', '5', '-H', 'Accept: application/vnd.oci.image.manifest.v1+json',
    'http://127.0.0.1:5000/v2/fixtures/layers/manifests/latest']);
  try {
    const manifest = /** @type {{layers?: Array<{size: number}>}} */ (JSON.parse(r.stdout));
    const layers = manifest.layers ?? [];
    const bytes = layers.reduce((sum, l) => sum + l.size, 0);
    return `${layers.length} layers, ${(bytes / 1e6).toFixed(1)} MB compressed`;
  } catch {
    return undefined;
  }
}

module.exports = { pullCase };
