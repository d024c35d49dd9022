/**
 * Linux capabilities: names, numbers and the five sets a container process starts with.
 * Pure planning; the shim applies the masks (see docs/shim-protocol.md, `init`).
 */
import { TsctrError } from '../../errors';

/** Capability names without the CAP_ prefix, indexed by capability number (linux/capability.h). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID',
  'SETPCAP', 'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW',
  'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD',
  'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
];

/** Highest capability number this table knows (CAP_CHECKPOINT_RESTORE). */
export const CAP_LAST_CAP = CAPABILITY_NAMES.length - 1;

/** Every capability this table knows, as a mask. */
export const ALL_CAPABILITIES: bigint = (1n << BigInt(CAPABILITY_NAMES.length)) - 1n;

/** podman's (containers.conf) default capability set for containers. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

const numberByName = new Map(CAPABILITY_NAMES.map((name, nr) => [name, nr]));

/** `net_admin`, `CAP_NET_ADMIN`, `Cap_Net_Admin` -> `NET_ADMIN`; `all` -> `ALL`. No validation. */
export function normalizeCapabilityName(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** Capability number for a name (with or without CAP_, any case), or undefined if unknown. */
export function capabilityNumber(name: string): number | undefined {
  return numberByName.get(normalizeCapabilityName(name));
}

/** `CAP_NET_ADMIN` for 12. */
export function capabilityName(nr: number): string {
  const name = CAPABILITY_NAMES[nr];
  if (name === undefined) throw new RangeError(`no capability number ${nr}`);
  return `CAP_${name}`;
}

/** Mask of the named capabilities; `ALL` means every known one. Unknown name -> TsctrError. */
export function capabilityMask(names: readonly string[], what = 'capability list'): bigint {
  let mask = 0n;
  for (const name of names) {
    if (normalizeCapabilityName(name) === 'ALL') {
      mask |= ALL_CAPABILITIES;
      continue;
    }
    const nr = capabilityNumber(name);
    if (nr === undefined) {
      throw new TsctrError(`unknown capability "${name}" in ${what}: use a name from capabilities(7) such as NET_ADMIN or CAP_NET_ADMIN, or ALL`);
    }
    mask |= 1n << BigInt(nr);
  }
  return mask;
}

/** `CAP_CHOWN`, ... for the bits of a mask, lowest first (names for messages and inspect). */
export function capabilityNames(mask: bigint): string[] {
  const names: string[] = [];
  for (let nr = 0; nr <= CAP_LAST_CAP; nr++) if (mask & (1n << BigInt(nr))) names.push(capabilityName(nr));
  return names;
}

export interface CapabilityRequest {
  readonly privileged: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** The uid the payload runs as inside the container. */
  readonly uid: number;
  /**
   * Capabilities the engine itself can pass on (its bounding set, CapBnd in /proc/self/status).
   * Anything outside it cannot be granted; default: every capability this table knows.
   */
  readonly available?: bigint;
}

export interface CapabilitySets {
  readonly bounding: bigint;
  readonly effective: bigint;
  readonly permitted: bigint;
  readonly inheritable: bigint;
  readonly ambient: bigint;
}

/**
 * The container's capability sets, with podman's semantics:
 * - the container set is the default set with `--cap-drop` removed and `--cap-add` added;
 *   `--cap-drop ALL` keeps only `--cap-add`; `--cap-add ALL` starts from every capability;
 *   naming one capability in both lists is an error, as is ALL in both;
 *   `--privileged` gives every available capability;
 * - it becomes the bounding set; uid 0 gets it as effective and permitted, with empty
 *   inheritable and ambient sets (the kernel would clear them on exec anyway);
 * - any other uid gets only the `--cap-add` capabilities, as effective, permitted, inheritable
 *   and ambient, so that they survive the exec of a non-root payload (podman does the same).
 */
export function planCapabilities(request: CapabilityRequest): CapabilitySets {
  const available = (request.available ?? ALL_CAPABILITIES) & ALL_CAPABILITIES;
  const add = capabilityMask(request.capAdd, '--cap-add');
  const drop = capabilityMask(request.capDrop, '--cap-drop');
  const addsAll = request.capAdd.some((c) => normalizeCapabilityName(c) === 'ALL');
  const dropsAll = request.capDrop.some((c) => normalizeCapabilityName(c) === 'ALL');

  let containerSet: bigint;
  if (request.privileged) {
    containerSet = ALL_CAPABILITIES;
  } else if (dropsAll) {
    if (addsAll) throw new TsctrError('--cap-add ALL and --cap-drop ALL cannot be combined: keep one of them');
    containerSet = add;
  } else {
    if (!addsAll) {
      const both = add & drop;
      if (both !== 0n) {
        throw new TsctrError(`capability ${capabilityNames(both)[0]} is both added and dropped: remove it from --cap-add or from --cap-drop`);
      }
    }
    const base = addsAll ? ALL_CAPABILITIES : capabilityMask(DEFAULT_CAPABILITIES);
    containerSet = (base & ~drop) | (addsAll ? 0n : add);
  }
  const bounding = containerSet & available;

  if (request.uid === 0) {
    return { bounding, effective: bounding, permitted: bounding, inheritable: 0n, ambient: 0n };
  }
  const userSet = add & bounding;
  return { bounding, effective: userSet, permitted: userSet, inheritable: userSet, ambient: userSet };
}

/** A mask as the shim expects it: lowercase hex without 0x. */
export function capabilityMaskHex(mask: bigint): string {
  return mask.toString(16);
}
