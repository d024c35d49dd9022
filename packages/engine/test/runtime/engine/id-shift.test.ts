import { fuseIdMapping, toHostId, userNameOf } from '../../../src/runtime/engine/id-shift';

const storage = [{ containerId: 0, hostId: 1001, size: 1 }, { containerId: 1, hostId: 100000, size: 65536 }];
// podman's keep-id for uid 1001: 0..1000 -> subuids, 1001 -> the user, 1002.. -> the rest.
const keepId = [{ containerId: 0, hostId: 100000, size: 1001 }, { containerId: 1001, hostId: 1001, size: 1 }, { containerId: 1002, hostId: 101001, size: 64535 }];

describe('fuseIdMapping', () => {
  it('presents image owners to a keep-id container', () => {
    // disk ids as fuse-overlayfs sees them in the keep-id namespace -> image ids
    expect(fuseIdMapping(storage, keepId)).toBe('1001:0:1:0:1:1001:1002:1002:64535');
  });
  it('is the identity when both mappings are the same', () => {
    expect(fuseIdMapping(storage, storage)).toBe('0:0:1:1:1:65536');
  });
  it('leaves out ids the container cannot see', () => {
    expect(fuseIdMapping(storage, [{ containerId: 0, hostId: 1001, size: 1 }])).toBe('0:0:1');
  });
});

describe('toHostId', () => {
  it('translates through the ranges', () => {
    expect(toHostId(keepId, 1001)).toBe(1001);
    expect(toHostId(keepId, 0)).toBe(100000);
    expect(toHostId(keepId, 1002)).toBe(101001);
    expect(toHostId(keepId, 70000)).toBeUndefined();
  });
});

describe('userNameOf', () => {
  it('finds the login name of a uid', () => {
    expect(userNameOf('root:x:0:0::/root:/bin/sh\ntsctr-test:x:1001:1001::/home/t:/bin/sh\n', 1001)).toBe('tsctr-test');
    expect(userNameOf('root:x:0:0::/root:/bin/sh\n', 5)).toBeUndefined();
  });
});
