/** `:U`: gives a bind or volume source tree to the container's user (ids as seen in the user namespace). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** lchown of `root` and everything below it; symlinks are changed, never followed; mounts are not crossed. */
export function chownTree(root: string, uid: number, gid: number): void {
  const device = fs.lstatSync(root).dev;
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    if (st.dev !== device) return;
    if (st.uid !== uid || st.gid !== gid) fs.lchownSync(p, uid, gid);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(root);
}
