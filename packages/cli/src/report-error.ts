import { TsctrError } from '@tsctr/engine/errors';

/** Prints an error the way podman does ("Error: ...") and returns the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof TsctrError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  const message: string = err instanceof Error ? (process.env.TSCTR_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`Error: ${message}\n`);
  return 125;
}
