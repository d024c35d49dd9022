import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { ExtractLineResult } from '../../src/storage/extract-job';
import { isSessionCommand, runExtractSession } from '../../src/storage/extract-session-job';
import { buildTar } from './tar-builder';

let base: string;
beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-session-'));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('extract session protocol', () => {
  it('validates commands', () => {
    expect(isSessionCommand({ id: 0, layer: { blobPath: '/a', targetDir: '/b' } })).toBe(true);
    expect(isSessionCommand({ id: -1, layer: { blobPath: '/a', targetDir: '/b' } })).toBe(false);
    expect(isSessionCommand({ id: 1.5, layer: { blobPath: '/a', targetDir: '/b' } })).toBe(false);
    expect(isSessionCommand({ id: 0, layer: { blobPath: '/a' } })).toBe(false);
    expect(isSessionCommand({ id: 0 })).toBe(false);
    expect(isSessionCommand(null)).toBe(false);
  });

  it('reports a malformed command and fails the session', async () => {
    const commands = new PassThrough();
    const malformed: string[] = [];
    const done = runExtractSession(commands, () => undefined, (line) => malformed.push(line));
    commands.end('{"id":"x"}\nnot json\n\n');
    expect(await done).toBe(false);
    expect(malformed).toEqual(['{"id":"x"}', 'not json']);
  });

  (process.getuid?.() === 0 ? it : it.skip)('extracts each layer as its command arrives, answering by id, until the commands end', async () => {
    const good = await buildTar([{ name: 'hello', content: 'hi' }]);
    const bad = await buildTar([{ name: '../escape', content: 'x' }]);
    fs.writeFileSync(path.join(base, 'good.tar'), good);
    fs.writeFileSync(path.join(base, 'bad.tar'), bad);
    for (const d of ['t0', 't1', 't2']) fs.mkdirSync(path.join(base, d));
    const commands = new PassThrough();
    const lines: ExtractLineResult[] = [];
    const done = runExtractSession(commands, (l) => lines.push(l), () => undefined);
    const send = (id: number, blob: string, dir: string): void => {
      commands.write(`${JSON.stringify({ id, layer: { blobPath: path.join(base, blob), targetDir: path.join(base, dir) } })}\n`);
    };
    send(7, 'good.tar', 't0');
    send(3, 'bad.tar', 't1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    send(5, 'good.tar', 't2');
    commands.end();
    expect(await done).toBe(false);
    lines.sort((a, b) => a.index - b.index);
    const diffId = `sha256:${createHash('sha256').update(good).digest('hex')}`;
    expect(lines).toEqual([
      { index: 3, ok: false, error: expect.stringContaining('climbs out'), entry: '../escape' },
      { index: 5, ok: true, diffId, size: good.length, warnings: [] },
      { index: 7, ok: true, diffId, size: good.length, warnings: [] },
    ]);
    expect(fs.readFileSync(path.join(base, 't2', 'hello'), 'utf8')).toBe('hi');
    expect(fs.existsSync(path.join(base, 'escape'))).toBe(false);
  });
});
