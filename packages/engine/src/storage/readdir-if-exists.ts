/** Directory listings of store directories that are created lazily: a missing one is empty. */
import * as fs from 'node:fs';
import { errnoCode } from '../errors';

/** The names in `dir`; [] when it does not exist (yet). Other errors are thrown. */
export async function readdirIfExists(dir: string): Promise<string[]> {
  return (await direntsIfExists(dir)).map((entry) => entry.name);
}

/** The entries of `dir` with their types; [] when it does not exist (yet). */
export async function direntsIfExists(dir: string): Promise<fs.Dirent[]> {
  try {
    return await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

/** readdirIfExists without the thread pool, for a caller that waits for nothing else. */
export function readdirIfExistsSync(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}
