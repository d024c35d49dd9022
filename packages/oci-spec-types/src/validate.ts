/**
 * Tiny shape checkers shared by the guards. Each throws SpecValidationError naming the field path
 * (e.g. `layers[2].digest`) and what was wrong with it.
 */

export class SpecValidationError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'SpecValidationError';
    this.field = field;
  }
}

export type Json = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function fail(field: string, expected: string, value: unknown): never {
  throw new SpecValidationError(field, `expected ${expected}, got ${describe(value)}`);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkObject(value: unknown, field: string): Json {
  if (!isObject(value)) fail(field, 'an object', value);
  return value;
}

export function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

export function checkNonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(field, 'a non-empty string', value);
  return value;
}

export function checkOptional<T>(obj: Json, key: string, field: string, check: (value: unknown, field: string) => T, allowNull = false): void {
  const value = obj[key];
  if (value === undefined || (allowNull && value === null)) return;
  check(value, `${field}.${key}`);
}

export function checkStringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) fail(field, 'an array of strings', value);
  value.forEach((item, i) => checkString(item, `${field}[${i}]`));
  return value as string[];
}

export function checkStringMap(value: unknown, field: string): Record<string, string> {
  const obj = checkObject(value, field);
  for (const [key, item] of Object.entries(obj)) checkString(item, `${field}[${JSON.stringify(key)}]`);
  return obj as Record<string, string>;
}

/** Docker and OCI encode sets as `{"key": {}}` (ExposedPorts, Volumes). */
export function checkEmptyObjectSet(value: unknown, field: string): Record<string, object> {
  const obj = checkObject(value, field);
  for (const [key, item] of Object.entries(obj)) checkObject(item, `${field}[${JSON.stringify(key)}]`);
  return obj as Record<string, object>;
}

export function checkNonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field, 'a non-negative integer', value);
  return value;
}

export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, 'a boolean', value);
  return value;
}

/** Parses JSON text or bytes; a syntax error becomes a SpecValidationError on `what`. */
export function parseJson(input: string | Uint8Array, what: string): unknown {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SpecValidationError(what, `not valid JSON (${(err as Error).message})`);
  }
}

/** Runs a checker as a boolean predicate. */
export function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof SpecValidationError) return false;
    throw err;
  }
}
