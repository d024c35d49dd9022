import {
  ALL_CAPABILITIES,
  CAP_LAST_CAP,
  capabilityMask,
  capabilityMaskHex,
  capabilityName,
  capabilityNames,
  capabilityNumber,
  planCapabilities,
} from '@tsctr/engine/runtime/policy/capabilities';
import { TsctrError } from '@tsctr/engine/errors';

const bit = (name: string): bigint => 1n << BigInt(capabilityNumber(name)!);
const podmanDefault = 0x800405fbn; // CapBnd that podman shows for its default set

describe('capability table', () => {
  it('numbers names like linux/capability.h', () => {
    expect(capabilityNumber('CAP_CHOWN')).toBe(0);
    expect(capabilityNumber('net_admin')).toBe(12);
    expect(capabilityNumber('Cap_Sys_Admin')).toBe(21);
    expect(capabilityNumber('CHECKPOINT_RESTORE')).toBe(40);
    expect(CAP_LAST_CAP).toBe(40);
    expect(capabilityName(31)).toBe('CAP_SETFCAP');
    expect(capabilityNumber('FLY')).toBeUndefined();
  });

  it('builds masks, ALL included', () => {
    expect(capabilityMask(['chown', 'CAP_KILL'])).toBe(0b100001n);
    expect(capabilityMask(['all'])).toBe(ALL_CAPABILITIES);
    expect(ALL_CAPABILITIES).toBe(0x1ffffffffffn);
    expect(capabilityNames(0b100001n)).toEqual(['CAP_CHOWN', 'CAP_KILL']);
    expect(capabilityMaskHex(0x800425fbn)).toBe('800425fb');
  });

  it('names an unknown capability in the error', () => {
    expect(() => capabilityMask(['NET_FLY'], '--cap-add')).toThrow(TsctrError);
    expect(() => capabilityMask(['NET_FLY'], '--cap-add')).toThrow(/unknown capability "NET_FLY" in --cap-add/);
  });
});

describe('planCapabilities', () => {
  it('gives root podman\'s default set', () => {
    const sets = planCapabilities({ privileged: false, capAdd: [], capDrop: [], uid: 0 });
    expect(sets).toEqual({ bounding: podmanDefault, effective: podmanDefault, permitted: podmanDefault, inheritable: 0n, ambient: 0n });
  });

  it('adds and drops', () => {
    const sets = planCapabilities({ privileged: false, capAdd: ['NET_ADMIN'], capDrop: ['cap_chown'], uid: 0 });
    expect(sets.bounding).toBe((podmanDefault | bit('NET_ADMIN')) & ~bit('CHOWN'));
    expect(sets.effective).toBe(sets.bounding);
  });

  it('--cap-drop ALL keeps only --cap-add', () => {
    expect(planCapabilities({ privileged: false, capAdd: [], capDrop: ['ALL'], uid: 0 }).bounding).toBe(0n);
    const sets = planCapabilities({ privileged: false, capAdd: ['NET_RAW'], capDrop: ['all'], uid: 0 });
    expect(sets.bounding).toBe(bit('NET_RAW'));
    expect(sets.permitted).toBe(bit('NET_RAW'));
  });

  it('--cap-add ALL starts from every capability, minus drops', () => {
    const sets = planCapabilities({ privileged: false, capAdd: ['ALL'], capDrop: ['SYS_ADMIN'], uid: 0 });
    expect(sets.bounding).toBe(ALL_CAPABILITIES & ~bit('SYS_ADMIN'));
  });

  it('refuses contradictions', () => {
    expect(() => planCapabilities({ privileged: false, capAdd: ['ALL'], capDrop: ['ALL'], uid: 0 })).toThrow(/cannot be combined/);
    expect(() => planCapabilities({ privileged: false, capAdd: ['KILL'], capDrop: ['cap_kill'], uid: 0 })).toThrow(/CAP_KILL is both added and dropped/);
    expect(() => planCapabilities({ privileged: false, capAdd: ['BOGUS'], capDrop: [], uid: 0 })).toThrow(/"BOGUS" in --cap-add/);
    expect(() => planCapabilities({ privileged: false, capAdd: [], capDrop: ['BOGUS'], uid: 0 })).toThrow(/"BOGUS" in --cap-drop/);
  });

  it('--privileged gives everything the engine has', () => {
    const available = ALL_CAPABILITIES & ~bit('SYS_RESOURCE');
    const sets = planCapabilities({ privileged: true, capAdd: [], capDrop: [], uid: 0, available });
    expect(sets.bounding).toBe(available);
    expect(sets.effective).toBe(available);
  });

  it('never grants what the engine lacks', () => {
    const sets = planCapabilities({ privileged: false, capAdd: ['SYS_RESOURCE'], capDrop: [], uid: 0, available: podmanDefault });
    expect(sets.bounding).toBe(podmanDefault);
  });

  it('a non-root user gets only added capabilities, also as ambient (like podman)', () => {
    const plain = planCapabilities({ privileged: false, capAdd: [], capDrop: [], uid: 1000 });
    expect(plain).toEqual({ bounding: podmanDefault, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n });
    const added = planCapabilities({ privileged: false, capAdd: ['NET_BIND_SERVICE', 'NET_RAW'], capDrop: [], uid: 1000 });
    const expected = bit('NET_BIND_SERVICE') | bit('NET_RAW');
    expect(added.bounding).toBe(podmanDefault | bit('NET_RAW'));
    expect(added).toMatchObject({ effective: expected, permitted: expected, inheritable: expected, ambient: expected });
  });
});
