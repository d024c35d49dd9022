import { PassThrough } from 'node:stream';
import { ExtractSession, sessionRunner } from '../../src/storage/extract-session';
import type { ExtractJob, ExtractLineResult } from '../../src/storage/extract-job';
import type { NamespaceRunner } from '../../src/storage/extract-runner';

function recordingRunner(): NamespaceRunner & { calls: string[] } {
  const calls: string[] = [];
  const answer = (job: ExtractJob): ExtractLineResult[] => job.layers.map((_, index) => ({ index, ok: true, diffId: 'sha256:fallback', size: 1, warnings: [] }));
  return {
    calls,
    extract: async (job) => {
      calls.push(`extract ${job.layers.map((l) => l.blobPath).join(',')}`);
      return answer(job);
    },
    extractStream: async (job, input) => {
      calls.push(`stream ${job.layers.length}`);
      input.resume();
      return answer(job);
    },
    removeTrees: async (paths) => {
      calls.push(`rm ${paths.join(',')}`);
    },
  };
}

describe('sessionRunner', () => {
  it('sends everything to the fallback runner when the session worker could not be launched', async () => {
    const session = new ExtractSession(Promise.reject(new Error('no subordinate ids')));
    const fallback = recordingRunner();
    const runner = sessionRunner(session, fallback);
    expect(await session.usable()).toBe(false);
    const fromFiles = await runner.extract({ layers: [{ blobPath: '/b/1', targetDir: '/t/1' }, { blobPath: '/b/2', targetDir: '/t/2' }] });
    expect(fromFiles.map((r) => r.index)).toEqual([0, 1]);
    const input = new PassThrough();
    input.end('bytes');
    const streamed = await runner.extractStream!({ layers: [{ blobPath: '-', targetDir: '/t/3' }] }, input);
    expect(streamed).toEqual([{ index: 0, ok: true, diffId: 'sha256:fallback', size: 1, warnings: [] }]);
    await runner.removeTrees(['/t/1']);
    expect(fallback.calls).toEqual(['extract /b/1,/b/2', 'stream 1', 'rm /t/1']);
    await session.close();
  });
});
