/**
 * `diff`, pure: an overlay upper dir's entries classified against the image's layers, in podman's
 * format (`A /new`, `C /changed`, `D /deleted`, sorted by path).
 */
export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  readonly kind: ChangeKind;
  readonly path: string;
}

/** What the walker saw at one upper-dir entry. */
export type UpperEntry =
  | { readonly path: string; readonly type: 'whiteout' }
  | { readonly path: string; readonly type: 'directory'; readonly opaque: boolean }
  | { readonly path: string; readonly type: 'other' };

/** Pure: `.wh.NAME` (fuse-overlayfs without mknod) names a whiteout of NAME; `.wh..wh..opq` marks an opaque directory. */
export function whiteoutTarget(name: string): string | undefined {
  if (!name.startsWith('.wh.') || name.startsWith('.wh..wh.')) return undefined;
  return name.slice('.wh.'.length);
}

export const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * `inLower(path)` says whether the image (the lower layers) has something at path; `lowerChildren`
 * lists an opaque directory's entries in the image (each becomes a D unless the upper dir has it).
 */
export function classifyChanges(entries: readonly UpperEntry[], inLower: (path: string) => boolean, lowerChildren: (dir: string) => readonly string[]): Change[] {
  const changes = new Map<string, ChangeKind>();
  const upperPaths = new Set(entries.map((e) => e.path));
  for (const entry of entries) {
    if (entry.type === 'whiteout') {
      if (inLower(entry.path)) changes.set(entry.path, 'D');
      continue;
    }
    changes.set(entry.path, inLower(entry.path) ? 'C' : 'A');
    if (entry.type === 'directory' && entry.opaque) {
      for (const child of lowerChildren(entry.path)) {
        const childPath = `${entry.path === '/' ? '' : entry.path}/${child}`;
        if (!upperPaths.has(childPath)) changes.set(childPath, 'D');
      }
    }
  }
  return [...changes].map(([path, kind]) => ({ kind, path })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const formatChanges = (changes: readonly Change[]): string => changes.map((c) => `${c.kind} ${c.path}\n`).join('');
