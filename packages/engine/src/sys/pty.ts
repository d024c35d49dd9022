/** Pseudo-terminal ioctls through koffi (the pts instance is the container's own devpts). */
import * as fs from 'node:fs';
import { ioctlInt, ioctlPtr } from './libc';

const TIOCSPTLCK = 0x40045431;
const TIOCGPTPEER = 0x5441;
const TIOCSWINSZ = 0x5414;

export interface PtyPair {
  readonly master: number;
  readonly slave: number;
}

/**
 * Opens a new pty on the devpts instance whose ptmx is `ptmxPath`, unlocks it, and opens the slave
 * through TIOCGPTPEER (no path lookup, so no symlink can redirect it). Both fds are close-on-exec.
 */
export function openPtyPair(ptmxPath: string): PtyPair {
  const master = fs.openSync(ptmxPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  try {
    const unlock = Buffer.alloc(4); // int 0
    ioctlPtr(master, TIOCSPTLCK, unlock);
    const slave = ioctlInt(master, TIOCGPTPEER, fs.constants.O_RDWR | fs.constants.O_NOCTTY | 0o2000000 /* O_CLOEXEC */);
    return { master, slave };
  } catch (err) {
    fs.closeSync(master);
    throw err;
  }
}

/** TIOCSWINSZ: struct winsize { rows, cols, xpixel, ypixel } of unsigned short. */
export function setWindowSize(fd: number, rows: number, cols: number): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows & 0xffff, 0);
  ws.writeUInt16LE(cols & 0xffff, 2);
  ioctlPtr(fd, TIOCSWINSZ, ws);
}
