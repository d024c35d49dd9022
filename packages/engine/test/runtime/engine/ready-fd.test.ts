import * as fs from 'node:fs';
import { pipe2 } from '../../../src/sys/fd';
import { waitForGo } from '../../../src/runtime/engine/ready-fd';

describe('waitForGo', () => {
  const withPipe = async (write: (fd: number) => void): Promise<boolean> => {
    const [readFd, writeFd] = pipe2();
    try {
      write(writeFd);
      fs.closeSync(writeFd);
      return await waitForGo(readFd);
    } finally {
      fs.closeSync(readFd);
    }
  };

  it('is true once the line go arrives, even in pieces', async () => {
    expect(await withPipe((fd) => fs.writeSync(fd, 'go\n'))).toBe(true);
    expect(await withPipe((fd) => {
      fs.writeSync(fd, 'g');
      fs.writeSync(fd, 'o\n');
    })).toBe(true);
  });

  it('is false when the writer closes without it or says something else', async () => {
    expect(await withPipe(() => undefined)).toBe(false);
    expect(await withPipe((fd) => fs.writeSync(fd, 'stop\n'))).toBe(false);
  });
});
