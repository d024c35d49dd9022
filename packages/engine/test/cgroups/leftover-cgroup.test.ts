import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isContainerCgroupDir, removeLeftoverCgroup } from '@tsctr/engine/cgroups/leftover-cgroup';

const id = 'a'.repeat(64);

describe('leftover container cgroups (rm removes what the engine could not)', () => {
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-cgroup-'));
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('only the directory named after the container counts as its cgroup', () => {
    expect(isContainerCgroupDir(`/sys/fs/cgroup/user.slice/tsctr-${id}`, id)).toBe(true);
    expect(isContainerCgroupDir(`/sys/fs/cgroup/user.slice/tsctr-${'b'.repeat(64)}`, id)).toBe(false);
    expect(isContainerCgroupDir('/sys/fs/cgroup/user.slice', id)).toBe(false);
    expect(isContainerCgroupDir(`relative/tsctr-${id}`, id)).toBe(false);
  });

  it('removes an empty leftover, and is quiet when there is none', async () => {
    const dir = path.join(parent, `tsctr-${id}`);
    fs.mkdirSync(dir);
    expect(await removeLeftoverCgroup(id, dir)).toBeUndefined();
    expect(fs.existsSync(dir)).toBe(false);
    expect(await removeLeftoverCgroup(id, dir)).toBeUndefined();
    expect(await removeLeftoverCgroup(id, undefined)).toBeUndefined();
  });

  it('never touches a directory that is not the container\'s, and reports a failed removal', async () => {
    const other = path.join(parent, 'not-a-container');
    fs.mkdirSync(other);
    expect(await removeLeftoverCgroup(id, other)).toBeUndefined();
    expect(fs.existsSync(other)).toBe(true);
    const busy = path.join(parent, `tsctr-${id}`);
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'x'), '');
    expect(await removeLeftoverCgroup(id, busy)).toMatch(/could not remove the cgroup .*tsctr-a+: ENOTEMPTY/);
  });
});
