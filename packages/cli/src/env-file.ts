/** --env-file: docker's format (KEY=VALUE lines, `#` comments, a bare KEY copies it from here). */
import * as fs from 'node:fs';
import { TsctrError } from '@tsctr/engine/errors';

/** Pure: the entries of an env file's text; `KEY` alone takes the value from `hostEnv` (dropped if unset). */
export function parseEnvFileText(text: string, source: string, hostEnv: NodeJS.ProcessEnv = process.env): string[] {
  const entries: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line.trimEnd() : line.slice(0, eq);
    if (key === '' || /\s/.test(key)) {
      throw new TsctrError(`--env-file ${source}, line ${index + 1}: "${raw}" is not KEY=VALUE (the key must not be empty or contain spaces)`);
    }
    if (eq >= 0) entries.push(line);
    else if (hostEnv[key] !== undefined) entries.push(`${key}=${hostEnv[key]}`);
  });
  return entries;
}

export function parseEnvFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TsctrError(`--env-file ${file}: cannot read it: ${(err as Error).message}`);
  }
  return parseEnvFileText(text, file);
}
