/**
 * The errno code of a Node fs error, without `instanceof Error` (which fails for errors created in
 * another realm, e.g. under jest's module sandbox).
 */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
