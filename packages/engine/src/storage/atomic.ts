/** Atomic file replacement (write temp, fsync, rename, fsync dir) and guarded JSON reads. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { urandomBytes } from '../sys/random';
import { TsctrError } from '../errors';
import { errnoCode } from '../errors';

/** A temp file in `file`'s directory (rename is atomic only within one filesystem). */
function tempPathBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${urandomBytes(6).toString('hex')}`);
}

/**
 * Replaces `file` so that readers see either the old or the new content, never a mix, even if the
 * process is killed or the machine loses power. The temp file lives in the same directory (rename
 * is atomic only within one filesystem) and is removed on failure.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644, owner?: { uid: number; gid: number }): Promise<void> {
  const dir = path.dirname(file);
  const temp = tempPathBeside(file);
  const handle = await fs.promises.open(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    try {
      await handle.writeFile(data);
      if (owner) await handle.chown(owner.uid, owner.gid);
      await handle.chmod(mode); // the umask (or chown) may have narrowed the mode given to open()
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await fsyncDirectory(dir);
}

/**
 * Replaces `file` atomically (readers see the old or the new content), synchronously and without
 * fsync: for runtime state that a crash makes stale anyway (an engine's "running" says nothing
 * once the engine is gone), where two fsyncs per write cost more than the rest of the write.
 */
export function replaceFileSync(file: string, data: string | Uint8Array, mode = 0o644, owner?: { uid: number; gid: number }): void {
  const temp = tempPathBeside(file);
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
      fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Makes a rename or unlink in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `value` as pretty JSON, atomically. */
export async function writeJsonFileAtomic(file: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', mode);
}

/**
 * Reads and parses a JSON file. Returns undefined when it does not exist. A file that does not parse
 * or fails `guard` is a TsctrError naming the file (the store is damaged: say so, do not guess).
 */
export async function readJsonFile<T>(file: string, guard?: (value: unknown) => value is T): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  return parseJsonFile(file, text, guard);
}

/** readJsonFile without the thread pool: for a process that has nothing else to do meanwhile. */
export function readJsonFileSync<T>(file: string, guard?: (value: unknown) => value is T): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  return parseJsonFile(file, text, guard);
}

function parseJsonFile<T>(file: string, text: string, guard?: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TsctrError(`${file} is not valid JSON (${(err as Error).message}); the store is damaged: remove or repair the file`, 125, { cause: err });
  }
  if (guard && !guard(value)) {
    throw new TsctrError(`${file} does not have the expected structure; the store is damaged: remove or repair the file`);
  }
  return value as T;
}
