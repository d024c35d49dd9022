/**
 * Extraction that overlaps the downloads of a pull: each layer is handed over as soon as its blob
 * is verified and stored, and at most `workers` extraction jobs (worker processes in the user
 * namespace) run at once; a job takes every layer that became ready while the others ran. Every
 * safety property stays with the store (storage/layers.ts): a layer is published only after its
 * diff id matched, from a temp dir, by rename.
 */
export class ExtractionPipeline {
  private ready: number[] = [];
  private running = 0;
  private readonly jobs: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;

  /** `extract` extracts and publishes the layers with these indexes (rejects on the first failure). */
  constructor(private readonly extract: (indexes: readonly number[]) => Promise<void>, private readonly workers = 2) {}

  /** Layer `index` is downloaded and verified: extract it when a slot is free. */
  add(index: number): void {
    this.ready.push(index);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.workers && this.ready.length > 0 && !this.failure) {
      const batch = this.ready.splice(0);
      this.running++;
      const job = this.extract(batch)
        .catch((error: unknown) => {
          this.failure ??= { error };
        })
        .finally(() => {
          this.running--;
          this.pump();
        });
      this.jobs.push(job);
    }
  }

  /** Waits for every job started so far (and those they start); rethrows the first failure. */
  async finish(): Promise<void> {
    for (let seen = -1; seen !== this.jobs.length; ) {
      seen = this.jobs.length;
      await Promise.all(this.jobs);
    }
    if (this.failure) throw this.failure.error;
  }
}
