import { Readable } from 'node:stream';
import { CoalesceStream } from '../../src/storage/coalesce-stream';

/** The chunks as pushed ('data' events; an async iterator would merge what is buffered). */
function chunksOf(input: Buffer[], minBytes: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const stream = Readable.from(input).pipe(new CoalesceStream(minBytes));
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(out));
    stream.on('error', reject);
  });
}

describe('CoalesceStream', () => {
  it('gathers small chunks into chunks of at least minBytes, the rest at the end, bytes unchanged', async () => {
    const input = Array.from({ length: 10 }, (_, i) => Buffer.alloc(3, i));
    const out = await chunksOf(input, 7);
    expect(out.map((c) => c.length)).toEqual([9, 9, 9, 3]);
    expect(Buffer.concat(out)).toEqual(Buffer.concat(input));
  });

  it('passes a large chunk on as it is and emits nothing for an empty input', async () => {
    const big = Buffer.alloc(100, 7);
    const out = await chunksOf([big], 10);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(big);
    expect(await chunksOf([], 10)).toEqual([]);
  });
});
