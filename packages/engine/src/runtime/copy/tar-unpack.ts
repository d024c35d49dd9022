/**
 * Unpacks a tar stream into a RootedDir. Every entry is created through its parent directory's
 * descriptor (opened inside the root by the kernel) and never through a symlink: a hostile tree
 * or archive can only ever write below the root. Directories are created 0700 and get their
 * modes and times at the end, so read-only directories can still be filled.
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { TsctrError, errnoCode } from '../../errors';
import { O_DIRECTORY } from '../../sys/openat2';
import { entryComponents, placeEntry, type Placement } from './copy-plan';
import { openChild, relativeComponents, type RootedDir } from './rooted-dir';

export interface UnpackOptions {
  /** Owner of every entry (the container's root), 'archive' for the header's ids (-a), or null: the creator's. */
  readonly owner: { readonly uid: number; readonly gid: number } | 'archive' | null;
  /**
   * Where entries go, decided once the archive's top entry is known: the confined tree to write
   * into (closed by unpackTar) and the placement inside it.
   */
  readonly place: (top: { readonly name: string; readonly isDir: boolean }) => { readonly root: RootedDir; readonly placement: Placement };
  readonly onWarning?: (message: string) => void;
}

type TarEntry = AsyncIterable<Buffer> & { readonly header: Partial<tar.Header> & Pick<tar.Header, 'name'> };

interface PendingDir {
  readonly target: string;
  readonly mode: number;
  readonly mtime: Date | undefined;
  readonly uid?: number;
  readonly gid?: number;
}

export async function unpackTar(input: Readable, opts: UnpackOptions): Promise<void> {
  const extractor = tar.extract();
  const piping = pipeline(input, extractor as unknown as NodeJS.WritableStream);
  piping.catch(() => undefined);
  const writer = new EntryWriter(opts);
  try {
    for await (const entry of extractor) {
      await writer.apply(entry as unknown as TarEntry);
      for await (const _ of entry as unknown as TarEntry) {
        // the rest of an entry we did not read
      }
    }
    await piping;
    writer.finishDirectories();
  } catch (err) {
    input.destroy();
    throw err;
  } finally {
    writer.close();
  }
  if (!writer.sawEntries) throw new TsctrError('the archive is empty: nothing was copied');
}

class EntryWriter {
  sawEntries = false;
  private placement: Placement | undefined;
  private rootDir: RootedDir | undefined;
  private top = '';
  private readonly dirs: PendingDir[] = [];

  constructor(private readonly opts: UnpackOptions) {}

  private get root(): RootedDir {
    if (!this.rootDir) throw new Error('internal: no destination before the first entry');
    return this.rootDir;
  }

  close(): void {
    this.rootDir?.close();
  }

  async apply(entry: TarEntry): Promise<void> {
    const { header } = entry;
    if (!this.placement) {
      const parts = entryComponents(header.name);
      if (parts.length === 0 && header.type !== 'directory') throw new TsctrError(`archive entry "${header.name}" has no name`);
      this.top = parts[0] ?? '.';
      const { root, placement } = this.opts.place({ name: this.top, isDir: header.type === 'directory' || parts.length > 1 });
      this.rootDir = root;
      this.placement = placement;
    }
    const target = placeEntry(header.name, this.placement, this.top);
    if (target === null) return;
    this.sawEntries = true;
    try {
      await this.create(entry, target);
    } catch (err) {
      if (err instanceof TsctrError) throw err;
      throw new TsctrError(`cannot copy ${header.name} to ${target}: ${(err as Error).message}`, 125, { cause: err });
    }
  }

  private async create(entry: TarEntry, target: string): Promise<void> {
    const { header } = entry;
    const mode = (header.mode ?? 0o644) & 0o7777;
    switch (header.type) {
      case 'directory':
        this.root.withEntry(target, (p) => {
          const st = lstatOrUndefined(p);
          if (st && !st.isDirectory()) fs.unlinkSync(p);
          if (!st || !st.isDirectory()) fs.mkdirSync(p, 0o700);
        });
        this.dirs.push({ target, mode, mtime: header.mtime, uid: header.uid, gid: header.gid });
        return;
      case 'file':
      case 'contiguous-file': {
        const fd = this.root.withEntry(target, (p) => {
          this.clearForNonDirectory(p, target);
          return fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
        });
        try {
          for await (const chunk of entry) writeAll(fd, chunk);
          this.chownFd(fd, header);
          fs.fchmodSync(fd, mode);
          if (header.mtime) fs.futimesSync(fd, header.mtime, header.mtime);
        } finally {
          fs.closeSync(fd);
        }
        return;
      }
      case 'symlink':
        this.root.withEntry(target, (p) => {
          this.clearForNonDirectory(p, target);
          fs.symlinkSync(header.linkname ?? '', p);
          const owner = this.ownerOf(header);
          if (owner) fs.lchownSync(p, owner.uid, owner.gid);
          if (header.mtime) fs.lutimesSync(p, header.mtime, header.mtime);
        });
        return;
      case 'link': {
        const source = placeEntry(header.linkname ?? '', this.placement as Placement, this.top);
        if (source === null) throw new TsctrError(`hard link ${header.name} points at "${header.linkname}", which is not copied`);
        this.root.withEntry(source, (from) => this.root.withEntry(target, (to) => {
          this.clearForNonDirectory(to, target);
          fs.linkSync(from, to);
        }));
        return;
      }
      default:
        this.opts.onWarning?.(`skipped ${header.name}: ${header.type} entries are not copied`);
    }
  }

  /** Modes, owners and times of the directories, deepest first (creating children changed them). */
  finishDirectories(): void {
    for (const dir of this.dirs.reverse()) {
      const parts = relativeComponents(dir.target);
      const name = parts.pop();
      const fd = name === undefined ? this.root.openDir('.') : this.openDirNoFollow(parts.join('/'), name);
      if (fd === undefined) continue;
      try {
        this.chownFd(fd, dir);
        fs.fchmodSync(fd, dir.mode);
        if (dir.mtime) fs.futimesSync(fd, dir.mtime, dir.mtime);
      } catch (err) {
        // fchmod/fchown on an O_RDONLY directory fd work; a root we cannot change (the host's "/") is left alone
        if (name !== undefined) throw err;
      } finally {
        fs.closeSync(fd);
      }
    }
  }

  private openDirNoFollow(parentRel: string, name: string): number | undefined {
    const parent = this.root.openDir(parentRel);
    try {
      return openChild(parent, name, fs.constants.O_RDONLY | O_DIRECTORY);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    } finally {
      fs.closeSync(parent);
    }
  }

  private clearForNonDirectory(p: string, target: string): void {
    const st = lstatOrUndefined(p);
    if (!st) return;
    if (st.isDirectory()) throw new TsctrError(`cannot overwrite the directory ${target} with a non-directory`);
    fs.unlinkSync(p);
  }

  private ownerOf(header: { uid?: number; gid?: number }): { uid: number; gid: number } | undefined {
    const { owner } = this.opts;
    if (owner === null) return undefined;
    if (owner === 'archive') return { uid: header.uid ?? 0, gid: header.gid ?? 0 };
    return owner;
  }

  private chownFd(fd: number, header: { uid?: number; gid?: number }): void {
    const owner = this.ownerOf(header);
    if (!owner) return;
    try {
      fs.fchownSync(fd, owner.uid, owner.gid);
    } catch (err) {
      if (errnoCode(err) === 'EINVAL') throw new TsctrError(`uid ${owner.uid} or gid ${owner.gid} is not mapped in the container's user namespace: copy without -a`);
      throw err;
    }
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
}
