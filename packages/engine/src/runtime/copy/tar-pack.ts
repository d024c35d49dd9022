/**
 * Packs a path of a RootedDir into a tar stream without following any symlink below it: each
 * directory is walked through descriptors opened with RESOLVE_NO_SYMLINKS, so a tree that changes
 * while it is read can only yield its own entries. Symlinks are archived as symlinks, regular
 * files with their contents, directories with their children; sockets and devices are skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { O_DIRECTORY, O_PATH } from '../../sys/openat2';
import { fdPath, openChild, relativeComponents, type RootedDir } from './rooted-dir';

export interface PackResult {
  /** The tar bytes. */
  readonly stream: Readable;
  /** Settles when every entry was written (rejects on the first error, which also destroys the stream). */
  readonly done: Promise<void>;
}

const CHUNK = 64 * 1024;

/** Packs `rel` (symlinks on the way resolved inside the root; a final symlink archived as such) as `topName`. */
export function packPath(root: RootedDir, rel: string, topName: string, onWarning: (message: string) => void = () => undefined): PackResult {
  const pack = tar.pack();
  const writer = new PackWriter(pack, onWarning);
  const done = (async () => {
    const parts = relativeComponents(rel);
    if (parts.length === 0) {
      const fd = root.openDir('.');
      try {
        await writer.directory(fd, fs.fstatSync(fd), topName);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      const name = parts.pop() as string;
      const parent = root.openDir(parts.join('/'));
      try {
        await writer.entry(parent, name, topName);
      } finally {
        fs.closeSync(parent);
      }
    }
    pack.finalize();
  })();
  done.catch((err: Error) => pack.destroy(err));
  return { stream: pack as unknown as Readable, done };
}

class PackWriter {
  constructor(private readonly pack: tar.Pack, private readonly onWarning: (message: string) => void) {}

  /** Archives the entry `name` of the directory `parentFd` as `archiveName`. */
  async entry(parentFd: number, name: string, archiveName: string): Promise<void> {
    const st = fs.lstatSync(fdPath(parentFd, name));
    if (st.isDirectory()) {
      const fd = openChild(parentFd, name, O_PATH | O_DIRECTORY);
      try {
        await this.directory(fd, st, archiveName);
      } finally {
        fs.closeSync(fd);
      }
    } else if (st.isFile()) {
      const fd = openChild(parentFd, name, fs.constants.O_RDONLY);
      try {
        await this.file(fd, fs.fstatSync(fd), archiveName);
      } finally {
        fs.closeSync(fd);
      }
    } else if (st.isSymbolicLink()) {
      await this.add({ ...headerOf(st, archiveName), type: 'symlink', linkname: fs.readlinkSync(fdPath(parentFd, name)) });
    } else if (st.isFIFO()) {
      await this.add({ ...headerOf(st, archiveName), type: 'fifo' });
    } else {
      this.onWarning(`skipped ${archiveName}: sockets and device files are not copied`);
    }
  }

  async directory(fd: number, st: fs.Stats, archiveName: string): Promise<void> {
    await this.add({ ...headerOf(st, archiveName), type: 'directory' });
    for (const child of fs.readdirSync(fdPath(fd)).sort()) await this.entry(fd, child, path.posix.join(archiveName, child));
  }

  private add(header: PackHeader): Promise<void> {
    return new Promise((resolve, reject) => this.pack.entry(header, (err) => (err ? reject(err) : resolve())));
  }

  /** Exactly st.size bytes: a file that shrinks while it is read is padded with zeros, one that grows is cut. */
  private file(fd: number, st: fs.Stats, archiveName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const sink = this.pack.entry({ ...headerOf(st, archiveName), type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
      const buffer = Buffer.alloc(CHUNK);
      let left = st.size;
      const pump = (): void => {
        try {
          while (left > 0) {
            const want = Math.min(CHUNK, left);
            const n = fs.readSync(fd, buffer, 0, want, null);
            const chunk = n === 0 ? Buffer.alloc(want) : Buffer.from(buffer.subarray(0, n));
            left -= chunk.length;
            if (!sink.write(chunk)) {
              sink.once('drain', pump);
              return;
            }
          }
          (sink as unknown as NodeJS.WritableStream).end();
        } catch (err) {
          sink.destroy(err as Error);
          reject(err as Error);
        }
      };
      pump();
    });
  }
}

type PackHeader = Partial<tar.Header> & Pick<tar.Header, 'name'>;

function headerOf(st: fs.Stats, name: string): PackHeader {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
}
