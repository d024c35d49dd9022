/** One line of /proc/PID/uid_map: `size` ids starting at `containerId` map to ids from `hostId`. */
export interface IdMapEntry {
  readonly containerId: number;
  readonly hostId: number;
  readonly size: number;
}

export interface IdMappings {
  readonly uidMap: readonly IdMapEntry[];
  readonly gidMap: readonly IdMapEntry[];
}
