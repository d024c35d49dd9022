/** --env-file: reads the file; the format is policy/process parseEnvFile's (docker's). */
import * as fs from 'node:fs';
import { TsctrError } from '@tsctr/engine/errors';
import { parseEnvFile, type EnvEntry } from '@tsctr/engine/runtime/policy/process';

export function readEnvFile(file: string): EnvEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TsctrError(`--env-file ${file}: cannot read it: ${(err as Error).message}`);
  }
  return parseEnvFile(text, file);
}
