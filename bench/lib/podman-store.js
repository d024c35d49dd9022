'use strict';
/**
 * The user's own (default) podman store after storage.conf changed its driver: podman keeps the
 * driver it was created with in its database and complains on every command. An empty store is
 * reset so the new driver takes effect; one holding images or containers is left alone (warning).
 * Also reads which storage, runtime and managers podman really uses (for the report).
 */
const { runAsUser } = require('./exec');
const { PODMAN, toolArgv } = require('./tools');

/** @param {import('./exec').BenchUser} user @returns {string} what was found or done */
function alignDefaultStore(user) {
  const info = runAsUser(user, ['podman', 'info', '--format', '{{.Store.GraphDriverName}}']);
  const driver = info.stdout.trim();
  const mismatch = /overwritten by graph driver|does not match our storage graph driver/.test(info.stderr);
  if (info.status === 0 && driver === 'overlay' && !mismatch) return 'default podman store: overlay';
  const images = runAsUser(user, ['podman', 'images', '-qa']).stdout.trim();
  const containers = runAsUser(user, ['podman', 'ps', '-aq']).stdout.trim();
  if (images !== '' || containers !== '') {
    return `WARNING: the user's default podman store uses ${driver || 'another driver'} and is not empty; left alone (the benchmark uses its own stores)`;
  }
  const reset = runAsUser(user, ['podman', 'system', 'reset', '-f'], { timeoutSeconds: 120 });
  return reset.status === 0
    ? `default podman store was ${driver || 'unknown'} and empty: reset so storage.conf's overlay applies`
    : `WARNING: podman system reset -f failed: ${reset.stderr.trim().split('\n').pop()}`;
}

/**
 * @typedef {object} PodmanSetup
 * @property {string} driver        e.g. overlay
 * @property {string} storageDetail native overlay or the mount program
 * @property {string} runtime
 * @property {string} cgroupManager
 * @property {string} eventLogger
 */

/**
 * What podman uses on a benchmark store.
 * @param {import('./exec').BenchUser} user @param {import('./tools').Store} store @returns {PodmanSetup | undefined}
 */
function podmanSetup(user, store) {
  const r = runAsUser(user, toolArgv(PODMAN, store, ['info', '--format', 'json']));
  if (r.status !== 0) return undefined;
  try {
    const info = JSON.parse(r.stdout);
    const options = info.store?.graphOptions ?? {};
    const mountProgram = options['overlay.mount_program']?.Executable ?? options['overlay.mount_program'];
    return {
      driver: String(info.store?.graphDriverName ?? '?'),
      storageDetail: mountProgram ? `mount_program ${typeof mountProgram === 'string' ? mountProgram : JSON.stringify(mountProgram)}`
        : info.store?.graphStatus?.['Native Overlay Diff'] === 'true' ? 'native kernel overlay' : 'kernel overlay',
      runtime: String(info.host?.ociRuntime?.name ?? '?'),
      cgroupManager: String(info.host?.cgroupManager ?? '?'),
      eventLogger: String(info.host?.eventLogger ?? '?'),
    };
  } catch {
    return undefined;
  }
}

module.exports = { alignDefaultStore, podmanSetup };
