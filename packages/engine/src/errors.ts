/**
 * Errors that reach the user. `exitCode` follows docker: 125 for engine errors, 126 for a command
 * that cannot be executed, 127 for a command that is not found.
 */
export class TsctrError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 125, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TsctrError';
    this.exitCode = exitCode;
  }
}

/** Error from a system call made through koffi; `code` is the errno name (ENOENT, EPERM, ...). */
export class SysError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly syscall: string;
  constructor(syscall: string, errno: number, detail?: string) {
    const code = errnoName(errno);
    super(`${syscall}${detail ? ` ${detail}` : ''}: ${code} (${errno})`);
    this.name = 'SysError';
    this.errno = errno;
    this.code = code;
    this.syscall = syscall;
  }
}

import { constants } from 'node:os';

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/**
 * The errno code of a Node fs error. Deliberately not `instanceof Error`, which is false for errors
 * created in another realm (jest's module sandbox).
 */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isErrnoException(err: unknown, code?: string): err is NodeJS.ErrnoException {
  const actual = errnoCode(err);
  return actual !== undefined && (code === undefined || actual === code);
}
