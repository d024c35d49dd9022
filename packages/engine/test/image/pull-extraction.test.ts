import { ExtractionPipeline } from '../../src/image/pull-extraction';

/** A job runner whose jobs the test finishes by hand. */
function manualJobs() {
  const batches: number[][] = [];
  const finishers: ((err?: Error) => void)[] = [];
  const run = (indexes: readonly number[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      batches.push([...indexes]);
      finishers.push((err) => (err ? reject(err) : resolve()));
    });
  return { batches, finishers, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ExtractionPipeline', () => {
  it('starts a job per ready layer up to the worker limit, then batches what became ready meanwhile', async () => {
    const jobs = manualJobs();
    const pipeline = new ExtractionPipeline(jobs.run, 2);
    pipeline.add(0);
    pipeline.add(1);
    pipeline.add(2);
    pipeline.add(3);
    expect(jobs.batches).toEqual([[0], [1]]);
    jobs.finishers[0]?.();
    await tick();
    expect(jobs.batches).toEqual([[0], [1], [2, 3]]);
    jobs.finishers[1]?.();
    jobs.finishers[2]?.();
    await pipeline.finish();
  });

  it('finish waits for jobs started while it waits', async () => {
    const jobs = manualJobs();
    const pipeline = new ExtractionPipeline(jobs.run, 1);
    pipeline.add(0);
    pipeline.add(1);
    let finished = false;
    const done = pipeline.finish().then(() => (finished = true));
    jobs.finishers[0]?.();
    await tick();
    expect(jobs.batches).toEqual([[0], [1]]);
    expect(finished).toBe(false);
    jobs.finishers[1]?.();
    await done;
    expect(finished).toBe(true);
  });

  it('rethrows the first failure and starts nothing after it', async () => {
    const jobs = manualJobs();
    const pipeline = new ExtractionPipeline(jobs.run, 1);
    pipeline.add(0);
    pipeline.add(1);
    jobs.finishers[0]?.(new Error('layer 0 is bad'));
    await tick();
    expect(jobs.batches).toEqual([[0]]);
    await expect(pipeline.finish()).rejects.toThrow('layer 0 is bad');
  });
});
