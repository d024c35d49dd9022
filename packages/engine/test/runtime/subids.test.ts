import { TsctrError } from '../../src/errors';
import {
  formatIdMap,
  newIdMapArgs,
  parseIdMapSpec,
  parseSubidFile,
  parseUsernsOption,
  planCustomMappings,
  planDefaultMappings,
  planKeepIdMappings,
  planMappings,
  type SubordinateIds,
  type UserIdentity,
} from '../../src/runtime/subids';

const alice: UserIdentity = { name: 'alice', uid: 1000, gid: 1001 };
const oneRange: SubordinateIds = { uids: [{ start: 100000, count: 65536 }], gids: [{ start: 200000, count: 65536 }] };
const twoRanges: SubordinateIds = {
  uids: [
    { start: 100000, count: 10 },
    { start: 300000, count: 20 },
  ],
  gids: [{ start: 200000, count: 30 }],
};

describe('parseSubidFile', () => {
  const text = [
    '# comment',
    'bob:165536:65536',
    'alice:100000:65536',
    '',
    '1000:300000:10',
    'alice:broken',
    'alice:5:0',
    'alice:x:10',
    '  alice:400000:5  ',
  ].join('\n');

  it('keeps the lines of the user, by name or by numeric id, in file order', () => {
    expect(parseSubidFile(text, { name: 'alice', id: 1000 })).toEqual([
      { start: 100000, count: 65536 },
      { start: 300000, count: 10 },
      { start: 400000, count: 5 },
    ]);
  });

  it('returns nothing for a user without lines', () => {
    expect(parseSubidFile(text, { name: 'carol', id: 1002 })).toEqual([]);
  });

  it('does not match a numeric id against a different user', () => {
    expect(parseSubidFile('1000:1:2\n', { name: 'bob', id: 1001 })).toEqual([]);
  });
});

describe('planDefaultMappings', () => {
  it('maps container 0 to the user and 1.. onto the subordinate range', () => {
    expect(planDefaultMappings(alice, oneRange)).toEqual({
      uidMap: [
        { containerId: 0, hostId: 1000, size: 1 },
        { containerId: 1, hostId: 100000, size: 65536 },
      ],
      gidMap: [
        { containerId: 0, hostId: 1001, size: 1 },
        { containerId: 1, hostId: 200000, size: 65536 },
      ],
    });
  });

  it('uses every range, back to back', () => {
    expect(planDefaultMappings(alice, twoRanges).uidMap).toEqual([
      { containerId: 0, hostId: 1000, size: 1 },
      { containerId: 1, hostId: 100000, size: 10 },
      { containerId: 11, hostId: 300000, size: 20 },
    ]);
  });

  it('tells a user without ranges how to add them', () => {
    expect(() => planDefaultMappings(alice, { uids: [], gids: oneRange.gids })).toThrow(
      'no subordinate uid range for user "alice" in /etc/subuid: add one with "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice"',
    );
    expect(() => planDefaultMappings(alice, { uids: oneRange.uids, gids: [] })).toThrow(/no subordinate gid range for user "alice" in \/etc\/subgid/);
    expect(() => planDefaultMappings(alice, { uids: [], gids: [] })).toThrow(TsctrError);
  });
});

describe('planKeepIdMappings', () => {
  it('keeps the user id inside and fills below and above with subordinate ids, like podman', () => {
    expect(planKeepIdMappings(alice, oneRange).uidMap).toEqual([
      { containerId: 0, hostId: 100000, size: 1000 },
      { containerId: 1000, hostId: 1000, size: 1 },
      { containerId: 1001, hostId: 101000, size: 64536 },
    ]);
    expect(planKeepIdMappings(alice, oneRange).gidMap).toEqual([
      { containerId: 0, hostId: 200000, size: 1001 },
      { containerId: 1001, hostId: 1001, size: 1 },
      { containerId: 1002, hostId: 201001, size: 64535 },
    ]);
  });

  it('splits across range boundaries', () => {
    const user = { name: 'alice', uid: 15, gid: 0 };
    expect(planKeepIdMappings(user, twoRanges).uidMap).toEqual([
      { containerId: 0, hostId: 100000, size: 10 },
      { containerId: 10, hostId: 300000, size: 5 },
      { containerId: 15, hostId: 15, size: 1 },
      { containerId: 16, hostId: 300005, size: 15 },
    ]);
  });

  it('honours keep-id:uid=N,gid=N', () => {
    const m = planKeepIdMappings(alice, oneRange, { uid: 0, gid: 5 });
    expect(m.uidMap).toEqual([
      { containerId: 0, hostId: 1000, size: 1 },
      { containerId: 1, hostId: 100000, size: 65536 },
    ]);
    expect(m.gidMap[1]).toEqual({ containerId: 5, hostId: 1001, size: 1 });
  });

  it('refuses a user id above the subordinate ids available', () => {
    expect(() => planKeepIdMappings({ name: 'alice', uid: 50, gid: 0 }, twoRanges)).toThrow(/needs at least 50 subordinate uids below it, but only 30/);
  });
});

describe('custom --uidmap/--gidmap (intermediate ids)', () => {
  it('parses container:intermediate:size', () => {
    expect(parseIdMapSpec('--uidmap', '0:1:65536')).toEqual({ containerId: 0, hostId: 1, size: 65536 });
  });

  it.each(['0:1', '0:1:0', 'a:1:2', '-1:1:2', '0:1:2:3', '0:1:99999999999'])('rejects %s', (spec) => {
    expect(() => parseIdMapSpec('--uidmap', spec)).toThrow(TsctrError);
  });

  it('maps intermediate ids through the default mapping (0 = the user, 1.. = subordinate ids)', () => {
    const m = planCustomMappings(alice, oneRange, ['0:1:1000', '1000:0:1'], []);
    expect(m.uidMap).toEqual([
      { containerId: 0, hostId: 100000, size: 1000 },
      { containerId: 1000, hostId: 1000, size: 1 },
    ]);
    // --gidmap follows --uidmap when left out.
    expect(m.gidMap).toEqual([
      { containerId: 0, hostId: 200000, size: 1000 },
      { containerId: 1000, hostId: 1001, size: 1 },
    ]);
  });

  it('splits a spec that spans the user and several ranges', () => {
    expect(planCustomMappings(alice, twoRanges, ['0:0:31'], ['0:0:31']).uidMap).toEqual([
      { containerId: 0, hostId: 1000, size: 1 },
      { containerId: 1, hostId: 100000, size: 10 },
      { containerId: 11, hostId: 300000, size: 20 },
    ]);
  });

  it('refuses intermediate ids beyond the available ones, naming the range', () => {
    expect(() => planCustomMappings(alice, oneRange, ['0:1:65537'], [])).toThrow(/intermediate uids 1-65537 do not exist: only 0-65536 are available/);
  });

  it('requires container id 0 to be mapped', () => {
    expect(() => planCustomMappings(alice, oneRange, ['1:1:100'], [])).toThrow('--uidmap: container id 0 must be mapped (e.g. --uidmap 0:1:65536)');
  });

  it('refuses overlapping container or intermediate ranges', () => {
    expect(() => planCustomMappings(alice, oneRange, ['0:1:10', '5:100:10'], [])).toThrow(/container ids of 0:1:10 and 5:100:10 overlap/);
    expect(() => planCustomMappings(alice, oneRange, ['0:1:10', '100:5:10'], [])).toThrow(/intermediate ids .* overlap/);
  });
});

describe('parseUsernsOption and planMappings', () => {
  it('parses the supported modes', () => {
    expect(parseUsernsOption(undefined)).toEqual({ kind: 'default' });
    expect(parseUsernsOption('keep-id')).toEqual({ kind: 'keep-id', uid: undefined, gid: undefined });
    expect(parseUsernsOption('keep-id:uid=200,gid=210')).toEqual({ kind: 'keep-id', uid: 200, gid: 210 });
    expect(() => parseUsernsOption('host')).toThrow(/supported values are keep-id/);
    expect(() => parseUsernsOption('keep-id:size=5')).toThrow(/unknown keep-id option "size=5"/);
  });

  it('dispatches to the planner of the mode', () => {
    expect(planMappings({ kind: 'keep-id' }, alice, oneRange)).toEqual(planKeepIdMappings(alice, oneRange));
    expect(planMappings({ kind: 'default' }, alice, oneRange)).toEqual(planDefaultMappings(alice, oneRange));
    expect(planMappings({ kind: 'custom', uidmap: ['0:1:5'], gidmap: [] }, alice, oneRange).uidMap).toEqual([{ containerId: 0, hostId: 100000, size: 5 }]);
  });
});

describe('formatting', () => {
  it('builds newuidmap arguments and the uid_map text', () => {
    const map = planDefaultMappings(alice, oneRange).uidMap;
    expect(newIdMapArgs(42, map)).toEqual(['42', '0', '1000', '1', '1', '100000', '65536']);
    expect(formatIdMap(map)).toBe('0 1000 1\n1 100000 65536');
  });
});
