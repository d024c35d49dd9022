/**
 * Walks a container's upper dir and the image's layer dirs (owned by subordinate ids, so this runs
 * as root of the user namespace: diff.ts starts it) and prints the changes as JSON on stdout.
 * Job on stdin: {upper, lowers (top layer first)}. Symlinks are never followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lgetxattr } from '../../sys/libc';
import { OPAQUE_MARKER, classifyChanges, whiteoutTarget, type UpperEntry } from './diff-plan';

interface DiffJob {
  readonly upper: string;
  readonly lowers: readonly string[];
}

const OPAQUE_XATTRS = ['user.overlay.opaque', 'trusted.overlay.opaque', 'user.fuseoverlayfs.opaque'];

function isWhiteoutDevice(st: fs.Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function isOpaque(dir: string): boolean {
  if (fs.existsSync(path.join(dir, OPAQUE_MARKER))) return true;
  return OPAQUE_XATTRS.some((name) => {
    try {
      return lgetxattr(dir, name)?.toString() === 'y';
    } catch {
      return false;
    }
  });
}

function walk(upper: string, rel: string, out: UpperEntry[]): void {
  for (const name of fs.readdirSync(path.join(upper, rel)).sort()) {
    if (name === OPAQUE_MARKER) continue;
    const childRel = path.posix.join(rel, name);
    const wh = whiteoutTarget(name);
    if (wh !== undefined) {
      out.push({ path: path.posix.join(rel, wh), type: 'whiteout' });
      continue;
    }
    const st = fs.lstatSync(path.join(upper, childRel));
    if (isWhiteoutDevice(st)) {
      out.push({ path: childRel, type: 'whiteout' });
    } else if (st.isDirectory()) {
      out.push({ path: childRel, type: 'directory', opaque: isOpaque(path.join(upper, childRel)) });
      walk(upper, childRel, out);
    } else {
      out.push({ path: childRel, type: 'other' });
    }
  }
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

function main(job: DiffJob): void {
  const entries: UpperEntry[] = [];
  walk(job.upper, '/', entries);
  const inLower = (rel: string): boolean => {
    for (const lower of job.lowers) {
      const st = lstatOrNull(path.join(lower, rel));
      if (st) return !isWhiteoutDevice(st);
    }
    return false;
  };
  const lowerChildren = (rel: string): string[] => {
    const names = new Set<string>();
    for (const lower of job.lowers) {
      try {
        for (const name of fs.readdirSync(path.join(lower, rel))) if (!name.startsWith('.wh.')) names.add(name);
      } catch {
        // not a directory in this layer
      }
    }
    return [...names].filter((name) => inLower(path.posix.join(rel, name)));
  };
  process.stdout.write(JSON.stringify(classifyChanges(entries, inLower, lowerChildren)));
}

try {
  main(JSON.parse(fs.readFileSync(0, 'utf8')) as DiffJob);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(125);
}
