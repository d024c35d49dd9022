'use strict';
/**
 * Case "memory": private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) of every
 * per-container process of an idle `sleep 1000` container, found through the process tree:
 *   the container's PID 1 (inspect .State.Pid), its ancestors owned by the user up to the one whose
 *   parent is pid 1 or foreign (the monitor: tsctr's engine, podman's conmon), the processes between
 *   (tsctr's shim relay), PID 1 itself when it has children (tsctr's init, podman's catatonit with
 *   --init), its descendants (the payload), and helpers that appeared with the container outside
 *   that tree (slirp4netns/pasta; fuse-overlayfs). Both tools run a tiny init (podman: --init) and
 *   the same network mode: slirp4netns when tsctr offers it, else none for both.
 */
const { setTimeout: sleep } = require('node:timers/promises');
const { interleave, na } = require('../lib/outcome');
const { mustRunAsUser, runAsUser } = require('../lib/exec');
const { toolArgv, freshStore, disposeStore } = require('../lib/tools');
const { BUSYBOX, seriesRow, pullUntimed, firstToken } = require('../lib/context');
const { readProcTable, ancestry, descendants, privateKiB } = require('../lib/procs');

const IDLE_SECONDS = 3;
const NETWORK_HELPERS = new Set(['slirp4netns', 'pasta', 'pasta.avx2', 'passt']);
const STORAGE_HELPERS = new Set(['fuse-overlayfs']);

/**
 * @typedef {object} Roles  pids per role
 * @property {number[]} monitor
 * @property {number[]} relay
 * @property {number[]} init
 * @property {number[]} payload
 * @property {number[]} network
 * @property {number[]} storage
 */

/**
 * Classifies the container's processes (pure, on a process table snapshot). A helper outside the
 * tree counts when it is new, is a known helper, and names the container on its command line (its
 * id, its network namespace path, or a pid of its tree): other users of the same account (tests
 * running meanwhile) are not counted.
 * @param {Map<number, import('../lib/procs').Proc>} table
 * @param {Set<number>} before    pids that existed before the container started
 * @param {number} pid1           the container's PID 1 on the host
 * @param {number} uid            the benchmark user
 * @param {string[]} markers      strings that identify the container: id, netns path
 * @returns {Roles}
 */
function classify(table, before, pid1, uid, markers) {
  const chain = ancestry(table, pid1, uid);
  const below = descendants(table, pid1);
  /** @type {Roles} */
  const roles = { monitor: [], relay: [], init: [], payload: [], network: [], storage: [] };
  if (chain.length > 1) roles.monitor.push(chain[chain.length - 1].pid);
  roles.relay.push(...chain.slice(1, -1).map((p) => p.pid));
  if (below.length > 0) {
    roles.init.push(pid1);
    roles.payload.push(...below.map((p) => p.pid));
  } else {
    roles.payload.push(pid1);
  }
  const treePids = [...chain, ...below].map((p) => p.pid);
  const tree = new Set(treePids);
  const names = (/** @type {import('../lib/procs').Proc} */ p) =>
    markers.some((m) => m !== '' && p.cmdline.includes(m)) ||
    treePids.some((pid) => new RegExp(`(^|[^0-9])${pid}([^0-9]|$)`).test(p.cmdline)) ||
    tree.has(p.ppid);
  for (const p of table.values()) {
    if (p.uid !== uid || before.has(p.pid) || tree.has(p.pid) || !names(p)) continue;
    if (NETWORK_HELPERS.has(p.comm)) roles.network.push(p.pid);
    else if (STORAGE_HELPERS.has(p.comm)) roles.storage.push(p.pid);
  }
  return roles;
}

/** @param {number[]} pids */
function sumMiB(pids) {
  return pids.reduce((sum, pid) => sum + privateKiB(pid), 0) / 1024;
}

/** @param {import('../lib/context').Context} ctx @returns {Promise<import('../lib/outcome').CaseResult>} */
async function memoryCase(ctx) {
  const stores = new Map(ctx.tools.map((t) => [t.name, freshStore(ctx.user, t.name, 'mem')]));
  const storeOf = (/** @type {import('../lib/tools').ToolName} */ name) => /** @type {import('../lib/tools').Store} */ (stores.get(name));
  for (const tool of ctx.tools) pullUntimed(ctx, tool, storeOf(tool.name), BUSYBOX);
  const tsctr = ctx.tools[0];
  const probe = runAsUser(ctx.user, toolArgv(tsctr, storeOf(tsctr.name), ['run', '--rm', '--network', 'slirp4netns', BUSYBOX, 'true']), { timeoutSeconds: 120 });
  const network = probe.status === 0 ? 'slirp4netns' : 'none';
  /** @type {Map<string, Roles>} */
  const lastRoles = new Map();

  const measured = await interleave(ctx.tools, ctx.heavyRuns, (tool) => measureOnce(ctx, tool, storeOf(tool.name), network, lastRoles), ctx.log);
  for (const tool of ctx.tools) disposeStore(ctx.user, tool, storeOf(tool.name));

  const absent = (/** @type {string} */ tool, /** @type {keyof Roles} */ role, /** @type {string} */ why) => {
    const roles = lastRoles.get(tool);
    return roles !== undefined && roles[role].length === 0 ? na(why) : undefined;
  };
  /** @type {Array<[keyof Roles | 'total' | 'own', string, string, string]>} role, label, why tsctr lacks it, why podman lacks it */
  const rowSpecs = [
    ['monitor', 'monitor: tsctr engine (node) / podman conmon', 'no monitor process found', 'no conmon found'],
    ['relay', 'shim relay (tsctr) / none (podman)', 'no relay process', 'podman has none (conmon is the parent of PID 1)'],
    ['init', 'init: tsctr-shim init / catatonit (--init)', 'PID 1 is the payload', 'PID 1 is the payload'],
    ['network', `network helper (--network ${network})`, network === 'none' ? '--network none' : 'none found', network === 'none' ? '--network none' : 'none found'],
    ['storage', 'storage helper (fuse-overlayfs)', 'kernel overlay', 'kernel overlay'],
    ['own', "the tool's own processes (monitor, relay, init)", '', ''],
    ['total', 'total per container, excluding the payload', '', ''],
    ['payload', 'payload (busybox sleep), for reference', '', ''],
  ];
  const rows = rowSpecs.map(([role, label, whyT, whyP]) => {
    const row = seriesRow(ctx, measured, `memory: ${label}`, 'MiB', role);
    if (role === 'total' || role === 'own' || role === 'payload') return row;
    return { ...row, tsctr: absent('tsctr', role, whyT) ?? row.tsctr, podman: absent('podman', role, whyP) ?? row.podman };
  });
  const notes = [
    `memory: ${ctx.heavyRuns} iteration(s); \`run -d --network ${network} busybox sleep 1000\` (podman with --init, tsctr's init is its default), ${IDLE_SECONDS} s idle, then Private_Clean+Private_Dirty of each process from /proc/PID/smaps_rollup.`,
  ];
  if (network === 'none') notes.push(`memory: tsctr has no slirp4netns networking yet (${probe.stderr.trim().split('\n').pop()}), so both ran with --network none.`);
  return { name: 'memory', title: 'Memory per idle container', rows, notes };
}

/**
 * One container: start it, let it idle, classify its processes, read their private memory, remove it.
 * @param {import('../lib/context').Context} ctx @param {import('../lib/tools').Tool} tool
 * @param {import('../lib/tools').Store} store @param {string} network
 * @param {Map<string, Roles>} lastRoles
 * @returns {Promise<Record<string, number>>} MiB per role present, and total (without the payload)
 */
async function measureOnce(ctx, tool, store, network, lastRoles) {
  let id;
  try {
    const before = new Set(readProcTable().keys());
    const r = mustRunAsUser(ctx.user, toolArgv(tool, store, ['run', '-d', ...tool.initFlag, '--network', network, BUSYBOX, 'sleep', '1000']), { timeoutSeconds: 120 });
    id = firstToken(r.stdout);
    await sleep(IDLE_SECONDS * 1000);
    const { pid1, sandboxKey } = inspectContainer(ctx, tool, store, id);
    const roles = classify(readProcTable(), before, pid1, ctx.user.uid, [id, sandboxKey]);
    lastRoles.set(tool.name, roles);
    /** @type {Record<string, number>} */
    const metrics = {};
    let total = 0;
    for (const role of /** @type {Array<keyof Roles>} */ (['monitor', 'relay', 'init', 'network', 'storage', 'payload'])) {
      if (roles[role].length === 0) continue;
      metrics[role] = sumMiB(roles[role]);
      if (role !== 'payload') total += metrics[role];
    }
    metrics.total = total;
    // The engine/conmon, the relay and the init: the processes the tool itself brings (no helper programs).
    metrics.own = ['monitor', 'relay', 'init'].reduce((sum, role) => sum + (metrics[role] ?? 0), 0);
    return metrics;
  } finally {
    runAsUser(ctx.user, toolArgv(tool, store, ['rm', ...tool.forceRemove, ...(id ? [id] : ['-a'])]), { timeoutSeconds: 120 });
  }
}

/**
 * The host pid of the container's PID 1 (.State.Pid in both tools) and its network namespace path
 * (.NetworkSettings.SandboxKey), from `inspect`.
 * @param {import('../lib/context').Context} ctx @param {import('../lib/tools').Tool} tool
 * @param {import('../lib/tools').Store} store @param {string} id @returns {{pid1: number, sandboxKey: string}}
 */
function inspectContainer(ctx, tool, store, id) {
  const r = mustRunAsUser(ctx.user, toolArgv(tool, store, ['inspect', id]));
  const parsed = /** @type {Array<{State?: {Pid?: number}, NetworkSettings?: {SandboxKey?: string}}>} */ (JSON.parse(r.stdout));
  const pid = parsed[0]?.State?.Pid;
  if (typeof pid !== 'number' || pid <= 0) throw new Error(`${tool.name} inspect ${id}: no State.Pid (container not running?)`);
  return { pid1: pid, sandboxKey: parsed[0]?.NetworkSettings?.SandboxKey ?? '' };
}

module.exports = { memoryCase, classify };
