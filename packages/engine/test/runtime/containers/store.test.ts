import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StorePaths } from '../../../src/storage/paths';
import type { ContainerConfig } from '../../../src/runtime/container-types';
import {
  createContainer, findContainer, listContainers, matchContainer, renameContainer, type ContainerIdentity,
} from '../../../src/runtime/containers/store';
import { spawn } from 'node:child_process';
import { deleteContainerFiles, killOrphanedPayload, pruneContainers, removeContainer } from '../../../src/runtime/containers/remove';
import { processStartTime } from '../../../src/runtime/containers/liveness';
import { containerDir, containerUpperDir } from '../../../src/runtime/containers/layout';
import { writeContainerState } from '../../../src/runtime/containers/records';

function config(identity: ContainerIdentity): ContainerConfig {
  return {
    ...identity,
    image: { id: 'f'.repeat(64), name: 'localhost:5000/busybox:latest', layers: [] },
    process: { args: ['sh'], env: [], cwd: '/', user: '', groupAdd: [], terminal: false, stdin: false },
    entrypoint: null,
    cmd: ['sh'],
    labels: {},
    hostname: identity.id.slice(0, 12),
    stopSignal: 'SIGTERM',
    stopTimeout: 10,
    init: true,
    autoRemove: false,
    security: { privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' }, noNewPrivileges: false, readOnly: false },
    userns: { mode: 'default', uidMap: [], gidMap: [] },
    storageDriver: 'overlay',
    network: { mode: 'none', options: [] },
  };
}

describe('container store', () => {
  let paths: StorePaths;
  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-store-'));
    paths = { root: path.join(dir, 'root'), runRoot: path.join(dir, 'run') };
  });
  afterEach(() => fs.rmSync(path.dirname(paths.root), { recursive: true, force: true }));

  it('creates the record and its directories, in state created', async () => {
    const r = await createContainer(paths, 'web', config);
    expect(r.config.name).toBe('web');
    expect(r.state.status).toBe('created');
    for (const sub of ['upper', 'work', 'merged', 'userdata', 'config.json', 'state.json']) {
      expect(fs.existsSync(path.join(containerDir(paths, r.config.id), sub))).toBe(true);
    }
  });

  it('refuses a name in use with podman\'s message, creating nothing', async () => {
    const first = await createContainer(paths, 'web', config);
    await expect(createContainer(paths, 'web', config)).rejects.toThrow(
      `the container name "web" is already in use by ${first.config.id}. You have to remove that container to be able to reuse that name`,
    );
    expect(await listContainers(paths)).toHaveLength(1);
  });

  it('refuses an invalid name before taking the lock', async () => {
    await expect(createContainer(paths, 'bad name', config)).rejects.toThrow(/invalid container name/);
    expect(fs.existsSync(paths.root)).toBe(false);
  });

  it('generates a free name when none is given', async () => {
    const r = await createContainer(paths, undefined, config);
    expect(r.config.name).toMatch(/^[a-z]+_[a-z]+\d*$/);
  });

  it('finds by full id, name and unique prefix; unknown refs fail like podman', async () => {
    const r = await createContainer(paths, 'web', config);
    expect((await findContainer(paths, r.config.id)).config.name).toBe('web');
    expect((await findContainer(paths, 'web')).config.id).toBe(r.config.id);
    expect((await findContainer(paths, r.config.id.slice(0, 5))).config.id).toBe(r.config.id);
    await expect(findContainer(paths, 'nope')).rejects.toThrow('no container with name or ID "nope" found: no such container');
  });

  it('reports an ambiguous id prefix', () => {
    const recs = [{ config: { id: 'abc1', name: 'x' } }, { config: { id: 'abc2', name: 'y' } }];
    expect(() => matchContainer(recs, 'abc')).toThrow(/more than one container matches the ID prefix "abc"/);
    expect(matchContainer(recs, 'y').config.id).toBe('abc2');
  });

  it('renames, keeping names unique', async () => {
    const a = await createContainer(paths, 'a', config);
    await createContainer(paths, 'b', config);
    await expect(renameContainer(paths, 'a', 'b')).rejects.toThrow(/already in use/);
    await renameContainer(paths, a.config.id, 'c');
    expect((await findContainer(paths, 'c')).config.id).toBe(a.config.id);
  });

  it('shows a running container whose engine is gone as exited 137, and removes it', async () => {
    const r = await createContainer(paths, 'dead', config);
    await writeContainerState(paths, r.config.id, { status: 'running', pid: 1, enginePid: 2 ** 22 + 1, engineStartTime: '1', startedAt: new Date().toISOString() });
    const [listed] = await listContainers(paths);
    expect(listed.state).toMatchObject({ status: 'exited', exitCode: 137 });
    await removeContainer(paths, 'dead', { force: false });
    expect(fs.existsSync(containerDir(paths, r.config.id))).toBe(false);
  });

  it('refuses to remove a container with a live engine without force', async () => {
    const r = await createContainer(paths, 'live', config);
    await writeContainerState(paths, r.config.id, { status: 'running', pid: 1, enginePid: process.pid, engineStartTime: processStartTime(process.pid) });
    await expect(removeContainer(paths, 'live', { force: false })).rejects.toThrow(/cannot remove container .* as it is running/);
    await expect(deleteContainerFiles(paths, r.config.id)).rejects.toThrow(/running/);
  });

  it('prune removes created and exited containers, including their upper dirs', async () => {
    const a = await createContainer(paths, 'a', config);
    const b = await createContainer(paths, 'b', config);
    fs.writeFileSync(path.join(containerUpperDir(paths, a.config.id), 'file'), 'x');
    await writeContainerState(paths, b.config.id, { status: 'exited', exitCode: 0 });
    expect((await pruneContainers(paths)).sort()).toEqual([a.config.id, b.config.id].sort());
    expect(await listContainers(paths)).toEqual([]);
  });
});

describe('killOrphanedPayload', () => {
  it('never signals a process whose command line does not name the container', async () => {
    const child = spawn('sleep', ['30']);
    killOrphanedPayload('f'.repeat(64), child.pid);
    expect(child.exitCode).toBeNull();
    expect(() => process.kill(child.pid as number, 0)).not.toThrow();
    child.kill('SIGKILL');
  });
});
