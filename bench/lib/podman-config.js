'use strict';
/**
 * Rootless podman configuration for the benchmark user: what each file must contain (pure
 * planning on the file's text) and the writing of it (owned by the user, a backup of a file that
 * had to change). Only the keys the benchmark needs are touched; every other setting stays.
 *
 * Findings on podman 4.3 / containers-storage 1.43 (Debian 12): without a storage.conf rootless
 * podman chose vfs here (a full copy per layer and per container). `driver = "overlay"` without a
 * `mount_program` gives native kernel overlay in the user namespace ("Native Overlay Diff: true",
 * kernel >= 5.13), which is what tsctr uses; with `mount_program = "/usr/bin/fuse-overlayfs"` it
 * would be fuse-overlayfs instead.
 */
const fs = require('node:fs');
const path = require('node:path');
const toml = require('smol-toml');

/**
 * @typedef {object} FilePlan
 * @property {string} text      the wanted content
 * @property {boolean} changed  false when the existing text already had everything
 * @property {string[]} notes   what was changed or left alone and why
 */

/** @typedef {Record<string, unknown>} Table */

/** @param {unknown} v @returns {v is Table} */
function isTable(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** @param {string | undefined} text @param {string} file @returns {Table} */
function parseOrEmpty(text, file) {
  if (text === undefined || text.trim() === '') return {};
  try {
    return /** @type {Table} */ (toml.parse(text));
  } catch (e) {
    throw new Error(`${file} is not valid TOML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): fix or remove it`);
  }
}

/**
 * Sets table.section.key = value for each wanted key whose value differs.
 * @param {Table} doc @param {string} section @param {Record<string, string>} wanted @param {string[]} notes
 * @returns {boolean} whether anything changed
 */
function setKeys(doc, section, wanted, notes) {
  const existing = doc[section];
  const table = isTable(existing) ? existing : {};
  let changed = false;
  for (const [key, value] of Object.entries(wanted)) {
    if (table[key] === value) continue;
    notes.push(`${section}.${key} = "${value}"${table[key] === undefined ? '' : ` (was ${JSON.stringify(table[key])})`}`);
    table[key] = value;
    changed = true;
  }
  doc[section] = table;
  return changed;
}

/**
 * containers.conf: cgroupfs manager (no systemd user session here), file events logger, runc.
 * @param {string | undefined} existing @returns {FilePlan}
 */
function planContainersConf(existing) {
  const doc = parseOrEmpty(existing, 'containers.conf');
  /** @type {string[]} */
  const notes = [];
  const changed = setKeys(doc, 'engine', { cgroup_manager: 'cgroupfs', events_logger: 'file', runtime: 'runc' }, notes);
  return { text: changed ? withNewline(toml.stringify(doc)) : existing ?? '', changed, notes };
}

/**
 * storage.conf: native rootless overlay. A mount_program the user set is kept (noted), since it is
 * their choice; the report shows the driver podman really used.
 * @param {string | undefined} existing @returns {FilePlan}
 */
function planStorageConf(existing) {
  const doc = parseOrEmpty(existing, 'storage.conf');
  /** @type {string[]} */
  const notes = [];
  const changed = setKeys(doc, 'storage', { driver: 'overlay' }, notes);
  const storage = /** @type {Table} */ (doc.storage);
  const options = isTable(storage.options) ? storage.options : {};
  const overlay = isTable(options.overlay) ? options.overlay : {};
  const mountProgram = overlay.mount_program ?? options.mount_program;
  if (mountProgram !== undefined) notes.push(`kept mount_program = ${JSON.stringify(mountProgram)} (podman uses it instead of native overlay)`);
  return { text: changed ? withNewline(toml.stringify(doc)) : existing ?? '', changed, notes };
}

/** @param {string} text */
function withNewline(text) {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The [[registry]] entry that podman matches for images of this registry. @param {unknown} entry @param {string} registry */
function entryIsFor(entry, registry) {
  if (!isTable(entry)) return false;
  return entry.prefix === undefined ? entry.location === registry : entry.prefix === registry;
}

/**
 * registries.conf: the local registry is plain http. Appends a [[registry]] table (keeping the
 * file's text and comments) or sets insecure on an existing entry; a v1-format file gets the
 * registry added to [registries.insecure].
 * @param {string | undefined} existing @param {string} registry e.g. localhost:5000 @returns {FilePlan}
 */
function planRegistriesConf(existing, registry) {
  const doc = parseOrEmpty(existing, 'registries.conf');
  /** @type {string[]} */
  const notes = [];
  const v1 = isTable(doc.registries) ? doc.registries : undefined;
  if (v1) {
    const insecure = isTable(v1.insecure) ? v1.insecure : {};
    const list = Array.isArray(insecure.registries) ? insecure.registries : [];
    if (list.includes(registry)) return { text: existing ?? '', changed: false, notes };
    insecure.registries = [...list, registry];
    v1.insecure = insecure;
    notes.push(`added ${registry} to [registries.insecure] (v1 format file)`);
    return { text: withNewline(toml.stringify(doc)), changed: true, notes };
  }
  const entries = Array.isArray(doc.registry) ? doc.registry : [];
  const matching = entries.filter((e) => entryIsFor(e, registry));
  if (matching.length > 0) {
    if (matching.every((e) => isTable(e) && e.insecure === true)) return { text: existing ?? '', changed: false, notes };
    for (const e of matching) /** @type {Table} */ (e).insecure = true;
    notes.push(`set insecure = true on the existing [[registry]] for ${registry}`);
    return { text: withNewline(toml.stringify(doc)), changed: true, notes };
  }
  const block = `[[registry]]\nlocation = "${registry}"\ninsecure = true\n`;
  const base = existing ?? '';
  const appended = base === '' ? block : `${base.replace(/\n*$/, '\n')}\n# added by npm run bench (tsctr): the local test registry is plain http\n${block}`;
  notes.push(`added [[registry]] location = "${registry}", insecure = true`);
  try {
    toml.parse(appended);
    return { text: appended, changed: true, notes };
  } catch {
    doc.registry = [...entries, { location: registry, insecure: true }];
    return { text: withNewline(toml.stringify(doc)), changed: true, notes };
  }
}

/**
 * Writes the three files into ~/.config/containers of the user when they need a change.
 * @param {import('./exec').BenchUser} user @param {string} registry
 * @returns {string[]} one line per file: what happened
 */
function applyPodmanConfig(user, registry) {
  const dir = path.join(user.home, '.config', 'containers');
  ensureUserDir(path.join(user.home, '.config'), user);
  ensureUserDir(dir, user);
  /** @type {Array<[string, (text: string | undefined) => FilePlan]>} */
  const files = [
    ['containers.conf', planContainersConf],
    ['storage.conf', planStorageConf],
    ['registries.conf', (text) => planRegistriesConf(text, registry)],
  ];
  return files.map(([name, plan]) => {
    const file = path.join(dir, name);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const p = plan(existing);
    if (!p.changed) return `${file}: already right${p.notes.length ? `; ${p.notes.join('; ')}` : ''}`;
    if (existing !== undefined && !fs.existsSync(`${file}.bench-backup`)) writeUserFile(`${file}.bench-backup`, existing, user);
    writeUserFile(file, p.text, user);
    return `${file}: ${p.notes.join('; ')}${existing !== undefined ? ` (backup ${name}.bench-backup)` : ''}`;
  });
}

/** @param {string} dir @param {import('./exec').BenchUser} user */
function ensureUserDir(dir, user) {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chownSync(dir, user.uid, user.gid);
}

/** Atomic write of a file owned by the user. @param {string} file @param {string} text @param {import('./exec').BenchUser} user */
function writeUserFile(file, text, user) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o644 });
  fs.chownSync(tmp, user.uid, user.gid);
  fs.renameSync(tmp, file);
}

module.exports = { planContainersConf, planStorageConf, planRegistriesConf, applyPodmanConfig };
