/**
 * podman's behaviour for commands over several containers: each is handled, errors are printed as
 * they happen, and the exit code is 125 if any failed (a single container's error is thrown as is).
 */
export async function forEachContainer(refs: readonly string[], action: (ref: string) => Promise<void>, opts: { parallel?: boolean } = {}): Promise<void> {
  if (refs.length === 1) return action(refs[0]);
  const errors: Error[] = [];
  const run = async (ref: string): Promise<void> => {
    try {
      await action(ref);
    } catch (err) {
      errors.push(err as Error);
      process.stderr.write(`Error: ${(err as Error).message}\n`);
    }
  };
  if (opts.parallel) await Promise.all(refs.map(run));
  else for (const ref of refs) await run(ref);
  if (errors.length > 0) process.exitCode = 125;
}
