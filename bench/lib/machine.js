'use strict';
/**
 * Facts about the machine and the software measured, for the report.
 */
const fs = require('node:fs');
const os = require('node:os');
const { run, firstLine } = require('./exec');

/**
 * @typedef {object} MachineFacts
 * @property {string} date
 * @property {string} machine
 * @property {string} os
 * @property {string} kernel
 * @property {string} node
 * @property {string} tsctr
 * @property {Record<string, string>} tools  versions of podman, runc, slirp4netns, pasta, fuse-overlayfs
 * @property {string} [load]                 load average while measuring (filled in by the caller)
 */

/** @param {string} repo @returns {MachineFacts} */
function machineFacts(repo) {
  const cpu = os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readOr('/etc/os-release', ''))?.[1] ?? os.type();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    os: osName,
    kernel: os.release(),
    node: process.version,
    tsctr: tsctrCommit(repo),
    tools: {
      podman: version('podman', ['podman', '--version'], /version\s+(\S+)/),
      runc: version('runc', ['runc', '--version'], /version\s+(\S+)/),
      slirp4netns: version('slirp4netns', ['slirp4netns', '--version'], /version\s+(\S+)/),
      'pasta (passt)': version('passt', ['pasta', '--version'], /(\d[\w.+~-]*)/),
      'fuse-overlayfs': version('fuse-overlayfs', ['fuse-overlayfs', '--version'], /fuse-overlayfs: version:?\s+(\S+)/),
    },
  };
}

/** @param {string} file @param {string} fallback */
function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * The Debian package's version when dpkg knows the package, else what the program says.
 * @param {string} pkg @param {string[]} argv @param {RegExp} pattern
 */
function version(pkg, argv, pattern) {
  const dpkg = run(['dpkg-query', '-W', '-f', '${Version}', pkg], { timeoutSeconds: 10 });
  if (dpkg.status === 0 && dpkg.stdout.trim() !== '') return dpkg.stdout.trim();
  const line = firstLine(argv);
  if (line === undefined) return 'not installed';
  return pattern.exec(line)?.[1] ?? line;
}

/** Short commit, with a mark when the packages differ from it. @param {string} repo */
function tsctrCommit(repo) {
  const head = run(['git', '-C', repo, 'log', '-1', '--format=%h %cs'], { timeoutSeconds: 10 }).stdout.trim();
  const dirty = run(['git', '-C', repo, 'status', '--porcelain', '--', 'packages'], { timeoutSeconds: 30 }).stdout.trim() !== '';
  return `${head || 'unknown'}${dirty ? ' + uncommitted changes in packages/' : ''}`;
}

module.exports = { machineFacts };
