/**
 * Entry point run INSIDE the user namespace (as its root, with the user's subordinate ids mapped),
 * so that chown to the image's owners works: `node dist/storage/extract-worker.js < job.json`.
 * Protocol: ./extract-job.ts.
 */
import * as net from 'node:net';
import { isExtractJob, runExtractJob, type ExtractLineResult } from './extract-job';
import { SESSION_COMMAND_FD, SESSION_FLAG, runExtractSession } from './extract-session-job';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const emit = (line: ExtractLineResult): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

async function main(): Promise<number> {
  // Modes come from the tar headers and are set explicitly; the umask only affects implicit parents.
  process.umask(0o022);
  if (process.argv[2] === SESSION_FLAG) {
    const commands = new net.Socket({ fd: SESSION_COMMAND_FD, readable: true, writable: false });
    const ok = await runExtractSession(commands, emit, (line) => process.stderr.write(`extract-worker: malformed session command: ${line.slice(0, 200)}\n`));
    return ok ? 0 : 1;
  }
  let job: unknown;
  try {
    // A job in argv leaves stdin to the layer data (STDIN_BLOB).
    job = JSON.parse(process.argv[2] ?? (await readStdin()));
  } catch (err) {
    process.stderr.write(`extract-worker: the job is not JSON: ${(err as Error).message}\n`);
    return 2;
  }
  if (!isExtractJob(job)) {
    process.stderr.write('extract-worker: malformed job: expected {"layers":[{"blobPath","targetDir","mediaType"?}]}\n');
    return 2;
  }
  return (await runExtractJob(job, emit)) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`extract-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
