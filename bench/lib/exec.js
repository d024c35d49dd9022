'use strict';
/**
 * Running commands: as root (set-up) and as the unprivileged benchmark user (everything measured).
 * Timing is process.hrtime around spawnSync of `runuser -u USER -- env -i ... CMD`: the figure is
 * the wall time the user would see, including runuser's own start (nothing is subtracted).
 */
const { spawnSync } = require('node:child_process');

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * @typedef {object} BenchUser
 * @property {string} name
 * @property {number} uid
 * @property {number} gid
 * @property {string} home
 */

/**
 * @typedef {object} CommandResult
 * @property {number} status   exit code; 128+N for signal N; -1 when it could not start
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} seconds  wall time
 * @property {boolean} timedOut
 */

/**
 * @typedef {object} RunOpts
 * @property {number} [timeoutSeconds]  default 300
 * @property {string} [cwd]
 * @property {'pipe' | 'inherit'} [output]  default pipe
 */

/**
 * Looks the user up in the passwd database (never a hard-coded uid).
 * @param {string} name @returns {BenchUser}
 */
function lookupUser(name) {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const fields = (r.stdout || '').trim().split(':');
  if (r.status !== 0 || fields.length < 7) {
    throw new Error(`user ${name} does not exist: run "bash e2e/setup/setup.sh" as root to create it`);
  }
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] };
}

/**
 * The argv that runs `argv` as `user` with a clean environment (like the e2e helpers do).
 * @param {BenchUser} user @param {readonly string[]} argv @returns {string[]}
 */
function userArgv(user, argv) {
  return [
    'runuser', '-u', user.name, '--',
    'env', '-i', `HOME=${user.home}`, `USER=${user.name}`, `LOGNAME=${user.name}`, `PATH=${DEFAULT_PATH}`, 'LANG=C.UTF-8',
    ...argv,
  ];
}

/**
 * Runs argv synchronously and times it.
 * @param {readonly string[]} argv @param {RunOpts} [opts] @returns {CommandResult}
 */
function run(argv, opts = {}) {
  const timeoutMs = (opts.timeoutSeconds ?? 300) * 1000;
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    encoding: 'utf8',
    stdio: ['ignore', opts.output ?? 'pipe', opts.output ?? 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const timedOut = r.error !== undefined && /ETIMEDOUT/.test(String(r.error));
  let status = r.status ?? -1;
  if (r.status === null && r.signal) status = 128 + (require('node:os').constants.signals[r.signal] ?? 0);
  return {
    status,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error && !timedOut ? String(r.error) : ''),
    seconds,
    timedOut,
  };
}

/**
 * Runs argv as the benchmark user from its home directory.
 * @param {BenchUser} user @param {readonly string[]} argv @param {RunOpts} [opts] @returns {CommandResult}
 */
function runAsUser(user, argv, opts = {}) {
  return run(userArgv(user, argv), { cwd: user.home, ...opts });
}

/**
 * A one-line reason for a failed command: its last meaningful stderr line.
 * @param {readonly string[]} argv @param {CommandResult} r @returns {string}
 */
function failureReason(argv, r) {
  const what = argv.join(' ');
  if (r.timedOut) return `${what}: timed out`;
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const errorLine = lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? '(no output)';
  return `${what}: exit ${r.status}: ${errorLine}`;
}

/**
 * Like runAsUser, but a non-zero exit throws with failureReason.
 * @param {BenchUser} user @param {readonly string[]} argv @param {RunOpts} [opts] @returns {CommandResult}
 */
function mustRunAsUser(user, argv, opts = {}) {
  const r = runAsUser(user, argv, opts);
  if (r.status !== 0) throw new Error(failureReason(argv, r));
  return r;
}

/** The first line a command prints, or undefined when it does not run. @param {readonly string[]} argv */
function firstLine(argv) {
  const r = run(argv, { timeoutSeconds: 30 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim();
}

/** @param {string} cmd */
function commandExists(cmd) {
  return run(['sh', '-c', `command -v "$1" >/dev/null`, 'sh', cmd], { timeoutSeconds: 10 }).status === 0;
}

module.exports = { lookupUser, userArgv, run, runAsUser, mustRunAsUser, failureReason, firstLine, commandExists };
