'use strict';
/**
 * Set-up before measuring: build, registry and fixtures, installation for the unprivileged user.
 * Each step says what it did; a step that cannot be done throws with the fix in its message.
 */
const fs = require('node:fs');
const path = require('node:path');
const { run, failureReason } = require('./exec');

const REGISTRY = 'localhost:5000';
const REGISTRY_URL = 'http://127.0.0.1:5000';
/** Images the cases need, as repository:tag on the local registry. */
const FIXTURES = ['fixtures/layers:latest', 'busybox:latest'];
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** @param {string} msg */
function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * `npm run build`. A failing build with an earlier build present is a warning (another change in
 * progress may break it): the previous build is benchmarked and the returned note says so.
 * @param {string} repo @returns {string | undefined} a warning for the report
 */
function build(repo) {
  log('npm run build');
  const r = run(['npm', 'run', '--silent', 'build'], { cwd: repo, timeoutSeconds: 900 });
  if (r.status === 0) return undefined;
  const detail = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join('\n');
  if (!fs.existsSync(path.join(repo, 'packages/cli/dist/main.js'))) {
    throw new Error(`npm run build failed and there is no earlier build to benchmark:\n${detail}`);
  }
  log(`WARNING: npm run build failed; benchmarking the previous build:\n${detail}`);
  return `npm run build failed (${detail.split('\n')[0]}); the previous build was measured`;
}

/** @param {string} url @param {string[]} [extra] @returns {string} HTTP status, 000 when nothing answers */
function httpStatus(url, extra = []) {
  const r = run(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', ...extra, url], { timeoutSeconds: 15 });
  return r.stdout.trim() || '000';
}

/** @returns {string[]} what is missing: the registry, or fixtures it does not serve */
function missingRegistryParts() {
  if (httpStatus(`${REGISTRY_URL}/v2/`) !== '200') return [`registry ${REGISTRY_URL}`];
  return FIXTURES.filter((ref) => {
    const [repo, tag] = ref.split(':');
    return httpStatus(`${REGISTRY_URL}/v2/${repo}/manifests/${tag}`, ['-I', '-H', `Accept: ${MANIFEST_ACCEPT}`]) !== '200';
  }).map((ref) => `${REGISTRY}/${ref}`);
}

/**
 * Makes sure 127.0.0.1:5000 answers and serves the fixtures; runs e2e/setup/setup.sh otherwise.
 * @param {string} repo
 */
function ensureRegistry(repo) {
  let missing = missingRegistryParts();
  if (missing.length === 0) {
    log(`registry ${REGISTRY} answers and serves ${FIXTURES.join(', ')}`);
    return;
  }
  log(`missing: ${missing.join(', ')}; running e2e/setup/setup.sh`);
  const argv = ['bash', path.join(repo, 'e2e/setup/setup.sh')];
  const r = run(argv, { timeoutSeconds: 1800, output: 'inherit' });
  if (r.status !== 0) {
    throw new Error(`${failureReason(argv, r)}\nFix the set-up (see docs/testing.md), then rerun "npm run bench".`);
  }
  missing = missingRegistryParts();
  if (missing.length > 0) throw new Error(`still missing after e2e/setup/setup.sh: ${missing.join(', ')}`);
}

/**
 * Installs the build to /opt/tsctr and /usr/local/bin/tsctr (e2e/setup/install.sh), which the
 * unprivileged user can read wherever the checkout is.
 * @param {string} repo
 */
function install(repo) {
  log('e2e/setup/install.sh');
  const argv = ['bash', path.join(repo, 'e2e/setup/install.sh')];
  const r = run(argv, { timeoutSeconds: 300 });
  if (r.status !== 0) throw new Error(failureReason(argv, r));
}

module.exports = { REGISTRY, build, ensureRegistry, install, log };
