import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { isExtractJob, runExtractJob, type ExtractLineResult } from '../../src/storage/extract-job';
import { parseWorkerOutput } from '../../src/storage/extract-runner';
import { buildTar } from './tar-builder';

let base: string;
beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-job-'));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

describe('extract job protocol', () => {
  it('validates jobs', () => {
    expect(isExtractJob({ layers: [{ blobPath: '/a', targetDir: '/b' }] })).toBe(true);
    expect(isExtractJob({ layers: [{ blobPath: '/a' }] })).toBe(false);
    expect(isExtractJob({ layers: [], concurrency: 0 })).toBe(false);
    expect(isExtractJob([])).toBe(false);
  });

  it('parses worker output in layer order and fills in missing lines with the stderr reason', () => {
    const stdout = [
      JSON.stringify({ index: 1, ok: false, error: 'layer entry "../x": refused', entry: '../x' }),
      'garbage',
      JSON.stringify({ index: 0, ok: true, diffId: 'sha256:x', size: 3, warnings: [] }),
      '',
    ].join('\n');
    expect(parseWorkerOutput(stdout, 3, 'killed\n', 137)).toEqual([
      { index: 0, ok: true, diffId: 'sha256:x', size: 3, warnings: [] },
      { index: 1, ok: false, error: 'layer entry "../x": refused', entry: '../x' },
      { index: 2, ok: false, error: 'killed' },
    ]);
    expect(parseWorkerOutput('', 1, '', 1)).toEqual([{ index: 0, ok: false, error: 'the extract worker exited with status 1' }]);
  });

  (process.getuid?.() === 0 ? it : it.skip)('runs every layer, reporting a refused entry by name and the diff ids of the others', async () => {
    const good = await buildTar([{ name: 'hello', content: 'hi' }]);
    const bad = await buildTar([{ name: '../escape', content: 'x' }]);
    fs.writeFileSync(path.join(base, 'good.tar'), good);
    fs.writeFileSync(path.join(base, 'bad.tar'), bad);
    for (const d of ['t0', 't1', 't2']) fs.mkdirSync(path.join(base, d));
    const lines: ExtractLineResult[] = [];
    const ok = await runExtractJob(
      {
        layers: [
          { blobPath: path.join(base, 'good.tar'), targetDir: path.join(base, 't0') },
          { blobPath: path.join(base, 'bad.tar'), targetDir: path.join(base, 't1') },
          { blobPath: path.join(base, 'good.tar'), targetDir: path.join(base, 't2') },
        ],
      },
      (l) => lines.push(l),
    );
    expect(ok).toBe(false);
    lines.sort((a, b) => a.index - b.index);
    const diffId = `sha256:${createHash('sha256').update(good).digest('hex')}`;
    expect(lines).toEqual([
      { index: 0, ok: true, diffId, size: good.length, warnings: [] },
      { index: 1, ok: false, error: expect.stringContaining('climbs out'), entry: '../escape' },
      { index: 2, ok: true, diffId, size: good.length, warnings: [] },
    ]);
    expect(fs.readFileSync(path.join(base, 't2', 'hello'), 'utf8')).toBe('hi');
    expect(fs.existsSync(path.join(base, 'escape'))).toBe(false);
  });
});
