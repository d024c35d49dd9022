/**
 * Extracts one layer tar into a directory in overlay-native rootless format. Security-critical:
 * nothing is ever written outside `targetDir`.
 *
 * How escapes are prevented:
 * - names are normalised lexically (entryComponents): absolute names and climbing `..` are refused,
 *   and the kernel never sees the original name;
 * - every parent directory of an entry is checked with lstat (or created by us): a parent that is a
 *   symlink is refused, so no path we touch resolves through a symlink;
 * - the entry path itself is unlinked before creation and created with O_EXCL / mkdir / symlink /
 *   mknod, which never follow a final symlink; owners and times are set with fchown/lchown/lutimes;
 * - hardlink targets get the same checks and must already exist in this layer.
 * The extractor assumes it is the only writer of `targetDir` (a private temp dir), so the checks
 * cannot be raced.
 *
 * Run as root in the user namespace (the worker) so that chown to the image's ids works.
 */
import * as fs from 'node:fs';
import { nodeCrypto } from '../sys/crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { S_IFCHR, S_IFIFO, lsetxattr, makedev, mknod } from '../sys/libc';
import { SysError } from '../errors';
import { errnoCode } from '../errors';
import { createDecompressStream } from './decompress';
import { COALESCED_CHUNK_BYTES, CoalesceStream } from './coalesce-stream';
import {
  LayerEntryError,
  decodeXattrs,
  entryComponents,
  entryMetadata,
  pathUnder,
  relativePath,
  whiteoutKind,
  xattrPolicy,
  type EntryMetadata,
} from './extract-plan';

export interface ExtractOptions {
  /** Called for every non-fatal problem (skipped device nodes, xattrs the kernel refused...). */
  readonly onWarning?: (message: string) => void;
}

export interface ExtractResult {
  /** sha256 of the uncompressed tar stream: compare with the config's rootfs.diff_ids. */
  readonly diffId: string;
  /** Bytes of the uncompressed tar stream. */
  readonly size: number;
  readonly warnings: string[];
}

export const OPAQUE_XATTR = 'user.overlay.opaque';
/** Files up to this size are written with one write(2) once their content is in. */
const SMALL_FILE_BYTES = 1024 * 1024;

/** Hashes and counts the bytes that flow through. */
class DigestingPassThrough extends Transform {
  readonly hash = nodeCrypto().createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

/** Extracts an uncompressed layer tar stream into `targetDir` (which must exist). */
export async function extractLayer(tarStream: Readable, targetDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const digester = new DigestingPassThrough();
  const extractor = tar.extract();
  const writer = new LayerWriter(targetDir, opts.onWarning);
  const piping = pipeline(tarStream, digester, extractor as unknown as NodeJS.WritableStream);
  // If the loop below fails, the pipeline rejects too (premature close): that is expected.
  piping.catch(() => undefined);
  try {
    for await (const entry of extractor) {
      await writer.apply(entry as unknown as TarEntry);
      await drain(entry);
    }
    await piping;
  } catch (err) {
    tarStream.destroy();
    throw err;
  }
  await writer.finish();
  return { diffId: `sha256:${digester.hash.digest('hex')}`, size: digester.size, warnings: writer.warnings };
}

/** Extracts a (possibly compressed) layer blob file into `targetDir`. */
export async function extractLayerFile(blobFile: string | Readable, targetDir: string, opts: ExtractOptions & { mediaType?: string } = {}): Promise<ExtractResult> {
  const decompressed = createDecompressStream(opts.mediaType);
  const feeding =
    typeof blobFile === 'string'
      ? pipeline(fs.createReadStream(blobFile, { highWaterMark: COALESCED_CHUNK_BYTES }), decompressed)
      : pipeline(blobFile, new CoalesceStream(), decompressed);
  feeding.catch(() => undefined);
  const result = await extractLayer(decompressed, targetDir, opts);
  await feeding;
  return result;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

type PaxRecords = Readonly<Record<string, string>> | null | undefined;
/** tar-stream 3 entries are streamx readables. */
type TarEntry = AsyncIterable<Buffer> & { readonly header: tar.Header };

interface PendingTimes {
  readonly atime: number;
  readonly mtime: number;
}

/** Applies entries one by one; remembers which directories are verified and the directory times. */
class LayerWriter {
  readonly warnings: string[] = [];
  /** Relative paths of directories known to be real directories (not symlinks) inside the layer. */
  private readonly verifiedDirs = new Set<string>(['.']);
  /** Directory times are applied last: creating entries inside a directory changes its mtime. */
  private readonly dirTimes = new Map<string, PendingTimes>();

  constructor(
    private readonly root: string,
    private readonly onWarning?: (message: string) => void,
  ) {}

  async apply(entry: TarEntry): Promise<void> {
    const header = entry.header;
    const components = entryComponents(header.name);
    try {
      await this.applyEntry(entry, components);
    } catch (err) {
      if (err instanceof LayerEntryError) throw err;
      throw new LayerEntryError(header.name, `cannot extract: ${(err as Error).message}`, { cause: err });
    }
  }

  async finish(): Promise<void> {
    const entries = [...this.dirTimes.entries()].reverse();
    for (const [abs, t] of entries) fs.lutimesSync(abs, t.atime, t.mtime);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.onWarning?.(message);
  }

  private async applyEntry(entry: TarEntry, components: string[]): Promise<void> {
    const header = entry.header;
    const name = header.name;
    const pax = header.pax as PaxRecords;
    const meta = entryMetadata({ ...header, pax });
    const whiteout = whiteoutKind(components);
    switch (whiteout.kind) {
      case 'opaque':
        await this.ensureDirectories(name, whiteout.dir);
        lsetxattr(pathUnder(this.root, whiteout.dir), OPAQUE_XATTR, Buffer.from('y'));
        return;
      case 'whiteout':
        await this.ensureDirectories(name, whiteout.target.slice(0, -1));
        await this.makeWhiteout(name, whiteout.target, meta);
        return;
      case 'aufs-meta':
        return;
      case 'none':
        break;
    }
    if (components.length === 0) {
      if (header.type !== 'directory') throw new LayerEntryError(name, 'refused: the layer root must be a directory');
      await this.setDirectoryMetadata(name, this.root, meta, pax);
      return;
    }
    await this.ensureDirectories(name, components.slice(0, -1));
    const abs = pathUnder(this.root, components);
    const rel = relativePath(components);
    switch (header.type) {
      case 'directory':
        await this.makeDirectory(name, abs, rel, meta, pax);
        return;
      case 'file':
      case 'contiguous-file':
        await this.clearPath(abs, rel);
        await this.writeFile(name, abs, entry, meta, pax);
        return;
      case 'symlink':
        await this.clearPath(abs, rel);
        fs.symlinkSync(header.linkname ?? '', abs);
        await this.setOwner(name, abs, meta);
        await this.setXattrs(name, abs, pax, true);
        fs.lutimesSync(abs, meta.atime, meta.mtime);
        return;
      case 'link':
        await this.makeHardlink(name, abs, rel, header.linkname ?? '');
        return;
      case 'fifo':
        await this.clearPath(abs, rel);
        mknod(abs, S_IFIFO | meta.mode, 0n);
        await this.setOwner(name, abs, meta);
        fs.chmodSync(abs, meta.mode); // after chown, which clears setuid/setgid
        await this.setXattrs(name, abs, pax, false);
        fs.lutimesSync(abs, meta.atime, meta.mtime);
        return;
      case 'character-device':
      case 'block-device':
        this.warn(`layer entry ${JSON.stringify(name)}: ${header.type} ${header.devmajor ?? 0}:${header.devminor ?? 0} skipped (device nodes cannot be created rootless)`);
        return;
      default:
        this.warn(`layer entry ${JSON.stringify(name)}: unsupported tar entry type ${String(header.type)} skipped`);
    }
  }

  /** Makes sure every directory along `dirComponents` exists and none is a symlink. */
  private async ensureDirectories(name: string, dirComponents: readonly string[]): Promise<void> {
    for (let i = 1; i <= dirComponents.length; i++) {
      const rel = relativePath(dirComponents.slice(0, i));
      if (this.verifiedDirs.has(rel)) continue;
      const abs = pathUnder(this.root, dirComponents.slice(0, i));
      const st = lstatOrUndefined(abs);
      if (!st) {
        fs.mkdirSync(abs, { mode: 0o755 });
      } else if (st.isSymbolicLink()) {
        throw new LayerEntryError(name, `refused: its path goes through the symlink ${JSON.stringify(rel)}`);
      } else if (!st.isDirectory()) {
        throw new LayerEntryError(name, `refused: ${JSON.stringify(rel)} on its path is not a directory`);
      }
      this.verifiedDirs.add(rel);
    }
  }

  /** Removes whatever is at `abs` (never following a symlink) unless it is absent. */
  private async clearPath(abs: string, rel: string): Promise<void> {
    const st = lstatOrUndefined(abs);
    if (!st) return;
    if (st.isDirectory()) {
      await fs.promises.rm(abs, { recursive: true, force: true });
      this.forgetDirectory(rel, abs);
    } else {
      fs.unlinkSync(abs);
    }
  }

  private forgetDirectory(rel: string, abs: string): void {
    for (const known of [...this.verifiedDirs]) {
      if (known === rel || known.startsWith(`${rel}/`)) this.verifiedDirs.delete(known);
    }
    for (const known of [...this.dirTimes.keys()]) {
      if (known === abs || known.startsWith(`${abs}/`)) this.dirTimes.delete(known);
    }
  }

  private async makeDirectory(name: string, abs: string, rel: string, meta: EntryMetadata, pax: PaxRecords): Promise<void> {
    const st = lstatOrUndefined(abs);
    if (st && !st.isDirectory()) fs.unlinkSync(abs);
    if (!st || !st.isDirectory()) fs.mkdirSync(abs, { mode: 0o700 });
    this.verifiedDirs.add(rel);
    await this.setDirectoryMetadata(name, abs, meta, pax);
  }

  private async setDirectoryMetadata(name: string, abs: string, meta: EntryMetadata, pax: PaxRecords): Promise<void> {
    const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
    try {
      await this.withOwnerError(name, meta, () => fs.fchownSync(fd, meta.uid, meta.gid));
      fs.fchmodSync(fd, meta.mode);
    } finally {
      fs.closeSync(fd);
    }
    await this.setXattrs(name, abs, pax, false);
    this.dirTimes.delete(abs); // re-insert so that insertion order stays parent-before-child
    this.dirTimes.set(abs, { atime: meta.atime, mtime: meta.mtime });
  }

  private async writeFile(name: string, abs: string, entry: TarEntry, meta: EntryMetadata, pax: PaxRecords): Promise<void> {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    const fd = fs.openSync(abs, flags, 0o600);
    try {
      await writeContent(fd, entry, entry.header.size ?? 0);
      await this.withOwnerError(name, meta, () => fs.fchownSync(fd, meta.uid, meta.gid));
      fs.fchmodSync(fd, meta.mode); // after chown, which clears setuid/setgid
      fs.futimesSync(fd, meta.atime, meta.mtime);
    } finally {
      fs.closeSync(fd);
    }
    await this.setXattrs(name, abs, pax, false);
  }

  private async makeWhiteout(name: string, target: readonly string[], meta: EntryMetadata): Promise<void> {
    const abs = pathUnder(this.root, target);
    await this.clearPath(abs, relativePath(target));
    mknod(abs, S_IFCHR, makedev(0, 0));
    await this.setOwner(name, abs, meta);
    fs.lutimesSync(abs, meta.atime, meta.mtime);
  }

  private async makeHardlink(name: string, abs: string, rel: string, linkname: string): Promise<void> {
    let targetComponents: string[];
    try {
      targetComponents = entryComponents(linkname);
    } catch {
      throw new LayerEntryError(name, `refused: hardlink target ${JSON.stringify(linkname)} is outside the layer`);
    }
    if (targetComponents.length === 0) throw new LayerEntryError(name, 'refused: hardlink to the layer root');
    for (let i = 1; i < targetComponents.length; i++) {
      const dirRel = relativePath(targetComponents.slice(0, i));
      const st = lstatOrUndefined(pathUnder(this.root, targetComponents.slice(0, i)));
      if (st?.isSymbolicLink()) throw new LayerEntryError(name, `refused: hardlink target ${JSON.stringify(linkname)} goes through the symlink ${JSON.stringify(dirRel)}`);
      if (!st?.isDirectory()) throw new LayerEntryError(name, `refused: hardlink target ${JSON.stringify(linkname)} does not exist in this layer`);
    }
    const targetAbs = pathUnder(this.root, targetComponents);
    const st = lstatOrUndefined(targetAbs);
    if (!st) throw new LayerEntryError(name, `refused: hardlink target ${JSON.stringify(linkname)} does not exist in this layer`);
    if (st.isDirectory()) throw new LayerEntryError(name, `refused: hardlink target ${JSON.stringify(linkname)} is a directory`);
    if (targetAbs === abs) return;
    await this.clearPath(abs, rel);
    // link(2) does not follow a symlink target: a hardlink to a symlink links the symlink itself.
    fs.linkSync(targetAbs, abs);
  }

  private async setOwner(name: string, abs: string, meta: EntryMetadata): Promise<void> {
    await this.withOwnerError(name, meta, () => fs.lchownSync(abs, meta.uid, meta.gid));
  }

  private async withOwnerError(name: string, meta: EntryMetadata, chown: () => void | Promise<void>): Promise<void> {
    try {
      await chown();
    } catch (err) {
      if (errnoCode(err) === 'EINVAL') {
        throw new LayerEntryError(name, `is owned by ${meta.uid}:${meta.gid}, which the user namespace does not map; give the user a larger range in /etc/subuid and /etc/subgid (65536 ids are usual)`, { cause: err });
      }
      throw err;
    }
  }

  private async setXattrs(name: string, abs: string, pax: PaxRecords, isSymlink: boolean): Promise<void> {
    const { xattrs, lossy } = decodeXattrs(pax);
    for (const attr of lossy) this.warn(`layer entry ${JSON.stringify(name)}: xattr ${attr} skipped (its binary value cannot be read exactly from a SCHILY.xattr record)`);
    for (const { name: attr, value } of xattrs) {
      const policy = xattrPolicy(attr);
      if (policy === 'reserved') {
        this.warn(`layer entry ${JSON.stringify(name)}: xattr ${attr} skipped (reserved for overlayfs)`);
        continue;
      }
      try {
        lsetxattr(abs, attr, value);
      } catch (err) {
        const userOnSymlink = isSymlink && err instanceof SysError && err.code === 'EPERM';
        if (policy === 'required' && !userOnSymlink) {
          throw new LayerEntryError(name, `cannot set xattr ${attr}: ${(err as Error).message}`, { cause: err });
        }
        this.warn(`layer entry ${JSON.stringify(name)}: xattr ${attr} skipped (${(err as Error).message})`);
      }
    }
  }
}

function lstatOrUndefined(abs: string): fs.Stats | undefined {
  return fs.lstatSync(abs, { throwIfNoEntry: false });
}

/**
 * Writes a file's content: a small file with one write once it is all there, a large one chunk by
 * chunk off the main thread (its writes then overlap the gunzip and hashing of the next chunks).
 */
async function writeContent(fd: number, entry: TarEntry, size: number): Promise<void> {
  if (size <= SMALL_FILE_BYTES) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk);
    writeAllSync(fd, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    return;
  }
  for await (const chunk of entry) {
    for (let offset = 0; offset < chunk.length; ) {
      const { bytesWritten } = await writeAsync(fd, chunk, offset);
      offset += bytesWritten;
    }
  }
}

function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset);
}

function writeAsync(fd: number, data: Buffer, offset: number): Promise<{ bytesWritten: number }> {
  return new Promise((resolve, reject) => {
    fs.write(fd, data, offset, data.length - offset, null, (err, bytesWritten) => (err ? reject(err) : resolve({ bytesWritten })));
  });
}
