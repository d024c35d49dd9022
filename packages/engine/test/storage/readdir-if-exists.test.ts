import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { direntsIfExists, readdirIfExists, readdirIfExistsSync } from '../../src/storage/readdir-if-exists';

describe('readdirIfExists', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-readdir-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'file'), '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists names, and entries with their types', async () => {
    expect((await readdirIfExists(dir)).sort()).toEqual(['file', 'sub']);
    expect(readdirIfExistsSync(dir).sort()).toEqual(['file', 'sub']);
    const entries = await direntsIfExists(dir);
    expect(entries.find((e) => e.name === 'sub')?.isDirectory()).toBe(true);
  });

  it('treats a missing directory as empty', async () => {
    await expect(readdirIfExists(path.join(dir, 'missing'))).resolves.toEqual([]);
    expect(readdirIfExistsSync(path.join(dir, 'missing'))).toEqual([]);
  });

  it('throws other errors', async () => {
    await expect(readdirIfExists(path.join(dir, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(() => readdirIfExistsSync(path.join(dir, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
