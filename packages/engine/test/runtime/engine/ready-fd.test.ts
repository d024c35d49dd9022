import * as fs from 'node:fs';
import { pipe2 } from '../../../src/sys/fd';
import { goArrived, waitForGo } from '../../../src/runtime/engine/ready-fd';

describe('waitForGo', () => {
  const withPipe = async (write: (fd: number) => void): Promise<Buffer | undefined> => {
    const [readFd, writeFd] = pipe2();
    try {
      write(writeFd);
      fs.closeSync(writeFd);
      return await waitForGo(readFd);
    } finally {
      fs.closeSync(readFd);
    }
  };

  it('resolves once the line go arrives, even in pieces, with what came right after it', async () => {
    expect(await withPipe((fd) => fs.writeSync(fd, 'go\n'))).toEqual(Buffer.alloc(0));
    expect(await withPipe((fd) => {
      fs.writeSync(fd, 'g');
      fs.writeSync(fd, 'o\n');
    })).toEqual(Buffer.alloc(0));
    const frame = Buffer.from([1, 0, 0, 0, 2, 0x7b, 0x7d]);
    const rest = await withPipe((fd) => fs.writeSync(fd, Buffer.concat([Buffer.from('go\n'), frame])));
    // The rest of a 16-byte read; the remainder stays in the pipe for the next reader.
    expect(rest).toEqual(frame.subarray(0, 13));
  });

  it('is undefined when the writer closes without it or says something else', async () => {
    expect(await withPipe(() => undefined)).toBeUndefined();
    expect(await withPipe((fd) => fs.writeSync(fd, 'stop\n'))).toBeUndefined();
  });
});

describe('goArrived', () => {
  it('tells whether bytes wait on the fd, without reading them', () => {
    const [readFd, writeFd] = pipe2();
    try {
      expect(goArrived(readFd)).toBe(false);
      fs.writeSync(writeFd, 'go\n');
      expect(goArrived(readFd)).toBe(true);
      expect(goArrived(readFd)).toBe(true);
      const buf = Buffer.alloc(8);
      expect(fs.readSync(readFd, buf, 0, 8, null)).toBe(3);
      expect(goArrived(readFd)).toBe(false);
    } finally {
      fs.closeSync(readFd);
      fs.closeSync(writeFd);
    }
  });

  it('says no for an fd it cannot ask', () => {
    expect(goArrived(-1)).toBe(false);
  });
});
