import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blobPath, hasBlob, listBlobs, publishBlob, readBlob, readBlobJson, readBlobJsonSync, removeBlobs, tempPathForDownload, writeBlob } from '../../src/storage/blobs';
import { chainIds, sha256Digest, sha256Hex } from '../../src/storage/digest';
import { isStaleTempName, newTempName, parseTempName } from '../../src/storage/tempnames';
import { processStartTime } from '../../src/sys/proc';
import { TsctrError } from '../../src/errors';
import type { StorePaths } from '../../src/storage/paths';

let root: string;
let paths: StorePaths;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-blobs-'));
  paths = { root, runRoot: path.join(root, 'run') };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('digests', () => {
  const hex = 'a'.repeat(64);
  it('accepts only sha256 with 64 lowercase hex digits', () => {
    expect(sha256Hex(`sha256:${hex}`)).toBe(hex);
    for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${hex}0`, `sha512:${hex}`, `sha256:../../${hex.slice(6)}`, hex, '', `sha256:${hex}\n`]) {
      expect(() => sha256Hex(bad)).toThrow(TsctrError);
    }
  });

  it('computes chain ids as in the OCI spec', () => {
    const d1 = sha256Digest('one');
    const d2 = sha256Digest('two');
    const d3 = sha256Digest('three');
    const c2 = sha256Digest(`${d1} ${d2}`);
    expect(chainIds([d1, d2, d3])).toEqual([d1, c2, sha256Digest(`${c2} ${d3}`)]);
    expect(chainIds([])).toEqual([]);
  });
});

describe('temp names', () => {
  it('records pid and start time and recognises live and dead owners', () => {
    const name = newTempName('blob');
    expect(parseTempName(name)).toEqual({ pid: process.pid, startTime: processStartTime(process.pid) });
    expect(isStaleTempName(name)).toBe(false);
    expect(isStaleTempName(name, () => '1')).toBe(true); // same pid, different start: pid reused
    expect(isStaleTempName(name, () => undefined)).toBe(true);
    expect(isStaleTempName('not-ours')).toBe(true);
  });
});

describe('blob store', () => {
  it('publishes a verified temp file by rename and reads it back', async () => {
    const data = Buffer.from('{"hello":"world"}');
    const digest = sha256Digest(data);
    const temp = await tempPathForDownload(paths);
    expect(path.dirname(temp)).toBe(path.join(root, 'tmp'));
    fs.writeFileSync(temp, data);
    expect(await hasBlob(paths, digest)).toBe(false);
    const published = await publishBlob(paths, temp, digest);
    expect(published).toBe(path.join(root, 'blobs', 'sha256', sha256Hex(digest)));
    expect(published).toBe(blobPath(paths, digest));
    expect(fs.existsSync(temp)).toBe(false);
    expect(await hasBlob(paths, digest)).toBe(true);
    expect(await readBlob(paths, digest)).toEqual(data);
    expect(await readBlobJson(paths, digest)).toEqual({ hello: 'world' });
    expect(readBlobJsonSync(paths, digest)).toEqual({ hello: 'world' });
    expect(await listBlobs(paths)).toEqual([digest]);
  });

  it('names a missing blob and the fix, and a blob that is not JSON, in both reads', async () => {
    const missing = sha256Digest('never stored');
    await expect(readBlobJson(paths, missing)).rejects.toThrow(`blob ${missing} is not in the store; pull the image again`);
    expect(() => readBlobJsonSync(paths, missing)).toThrow(`blob ${missing} is not in the store; pull the image again`);
    const notJson = await writeBlob(paths, Buffer.from('{not json'));
    await expect(readBlobJson(paths, notJson)).rejects.toThrow(`blob ${notJson} is not valid JSON`);
    expect(() => readBlobJsonSync(paths, notJson)).toThrow(`blob ${notJson} is not valid JSON`);
  });

  it('refuses a temp file whose content does not match, naming the digest, and removes it', async () => {
    const digest = sha256Digest('expected');
    const temp = await tempPathForDownload(paths);
    fs.writeFileSync(temp, 'tampered');
    await expect(publishBlob(paths, temp, digest)).rejects.toThrow(digest);
    expect(fs.existsSync(temp)).toBe(false);
    expect(await hasBlob(paths, digest)).toBe(false);
  });

  it('is idempotent when the blob already exists', async () => {
    const digest = await writeBlob(paths, Buffer.from('x'));
    const temp = await tempPathForDownload(paths);
    fs.writeFileSync(temp, 'x');
    await publishBlob(paths, temp, digest);
    expect(fs.existsSync(temp)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect((await readBlob(paths, digest)).toString()).toBe('x');
  });

  it('writeBlob checks the expected digest', async () => {
    await expect(writeBlob(paths, Buffer.from('a'), sha256Digest('b'))).rejects.toThrow(TsctrError);
    expect(await listBlobs(paths)).toEqual([]);
  });

  it('reports a missing blob with a TsctrError and removes blobs', async () => {
    const digest = await writeBlob(paths, Buffer.from('gone soon'));
    await removeBlobs(paths, [digest]);
    await expect(readBlob(paths, digest)).rejects.toThrow(TsctrError);
  });
});
