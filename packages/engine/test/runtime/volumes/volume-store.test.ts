import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import type { ContainerConfig } from '@tsctr/engine/runtime/container-types';
import { createContainer } from '@tsctr/engine/runtime/containers/store';
import { baseMount } from '@tsctr/engine/runtime/mounts/mount-spec';
import { volumeDataDir, volumeDir } from '@tsctr/engine/runtime/volumes/volume-layout';
import {
  createVolume, ensureVolumes, listVolumes, markCopiedUp, pruneVolumes, readVolume, removeAnonymousVolumes, removeUnusedVolumes, removeVolume, volumeUsers,
} from '@tsctr/engine/runtime/volumes/volume-store';

let paths: StorePaths;
beforeEach(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-volumes-'));
  paths = { root: path.join(dir, 'root'), runRoot: path.join(dir, 'run') };
  fs.mkdirSync(paths.root);
});
afterEach(() => fs.rmSync(path.dirname(paths.root), { recursive: true, force: true }));

async function containerUsing(name: string): Promise<string> {
  const r = await createContainer(paths, undefined, (identity) => ({ ...identity, image: { id: '', name: '', layers: [] }, process: { args: ['sh'] }, mounts: [baseMount('volume', name, '/data')] }) as unknown as ContainerConfig);
  return r.config.id;
}

describe('volume store', () => {
  it('create makes the record and an empty _data; a second create fails unless ignoreExisting', async () => {
    const v = await createVolume(paths, 'data', { labels: { a: 'b' } });
    expect(v).toMatchObject({ name: 'data', driver: 'local', labels: { a: 'b' }, anonymous: false, needsCopyUp: true });
    expect(fs.readdirSync(volumeDataDir(paths, 'data'))).toEqual([]);
    await expect(createVolume(paths, 'data')).rejects.toThrow('volume with name data already exists');
    await expect(createVolume(paths, 'data', { ignoreExisting: true })).resolves.toMatchObject({ name: 'data' });
    await expect(createVolume(paths, '../x')).rejects.toThrow(/invalid volume name/);
  });

  it('a volume without a name gets 64 hex characters; list is sorted by name', async () => {
    const anon = await createVolume(paths, undefined);
    expect(anon.name).toMatch(/^[0-9a-f]{64}$/);
    await createVolume(paths, 'b');
    await createVolume(paths, 'a');
    expect((await listVolumes(paths)).map((v) => v.name)).toEqual(['a', 'b', anon.name].sort());
  });

  it('ensureVolumes creates only volume mounts that are missing', async () => {
    await createVolume(paths, 'old');
    fs.writeFileSync(path.join(volumeDataDir(paths, 'old'), 'keep'), 'x');
    const created = await ensureVolumes(paths, [baseMount('volume', 'old', '/o'), { ...baseMount('volume', 'anon1', '/a'), anonymous: true }, baseMount('bind', '/h', '/b')]);
    expect(created).toEqual(['anon1']);
    expect((await listVolumes(paths)).map((v) => [v.name, v.anonymous])).toEqual([['anon1', true], ['old', false]]);
    expect(fs.readFileSync(path.join(volumeDataDir(paths, 'old'), 'keep'), 'utf8')).toBe('x');
  });

  it('ensureVolumes takes back what it created when a later volume fails; removeUnusedVolumes spares used ones', async () => {
    await expect(ensureVolumes(paths, [baseMount('volume', 'first', '/f'), baseMount('volume', '../bad', '/b')])).rejects.toThrow(/invalid volume name/);
    expect(await listVolumes(paths)).toEqual([]);
    await ensureVolumes(paths, [baseMount('volume', 'used', '/u'), baseMount('volume', 'free', '/f')]);
    await containerUsing('used');
    await removeUnusedVolumes(paths, ['used', 'free']);
    expect((await listVolumes(paths)).map((v) => v.name)).toEqual(['used']);
  });

  it('rm of a volume a container uses fails naming the container; removeUsers (-f) removes them first', async () => {
    await createVolume(paths, 'used');
    const id = await containerUsing('used');
    expect(await volumeUsers(paths, 'used')).toEqual([id]);
    await expect(removeVolume(paths, 'used')).rejects.toThrow(`volume used is being used by the following container(s): ${id}`);
    const removeUsers = jest.fn(async (ids: readonly string[]) => {
      for (const c of ids) fs.rmSync(path.join(paths.root, 'containers', c), { recursive: true });
    });
    await removeVolume(paths, 'used', { removeUsers });
    expect(removeUsers).toHaveBeenCalledWith([id]);
    expect(fs.existsSync(volumeDir(paths, 'used'))).toBe(false);
    await expect(removeVolume(paths, 'used')).rejects.toThrow('no volume with name "used" found');
  });

  it('prune removes only unused volumes', async () => {
    await createVolume(paths, 'used');
    await createVolume(paths, 'free1');
    await createVolume(paths, 'free2');
    await containerUsing('used');
    expect((await pruneVolumes(paths)).sort()).toEqual(['free1', 'free2']);
    expect((await listVolumes(paths)).map((v) => v.name)).toEqual(['used']);
  });

  it('removeAnonymousVolumes removes only the anonymous ones of a config', async () => {
    await ensureVolumes(paths, [{ ...baseMount('volume', 'anon2', '/a'), anonymous: true }, baseMount('volume', 'named', '/n')]);
    await removeAnonymousVolumes(paths, { mounts: [{ ...baseMount('volume', 'anon2', '/a'), anonymous: true }, baseMount('volume', 'named', '/n')] });
    expect((await listVolumes(paths)).map((v) => v.name)).toEqual(['named']);
  });

  it('markCopiedUp clears needsCopyUp once', async () => {
    await createVolume(paths, 'c');
    const st = fs.statSync(paths.root);
    await markCopiedUp(paths, 'c', { uid: st.uid, gid: st.gid });
    expect(await readVolume(paths, 'c')).toMatchObject({ needsCopyUp: false });
  });
});
