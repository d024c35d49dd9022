/**
 * The small part of Go templates that `--format` users rely on: `{{.Field}}` and `{{.A.B}}` (spaces allowed),
 * `{{json .Field}}`, `{{json .}}`, `\t` and `\n` escapes, and a leading `table ` that adds a header
 * row and aligns columns. Anything else is refused with a message naming the fields available.
 */
import { TsctrError } from '@tsctr/engine/errors';
import { renderColumns } from './columns';

export type TemplateRecord = Readonly<Record<string, unknown>>;

const actionPattern = /\{\{\s*(json\s+)?\.([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)?\s*\}\}/g;

export interface ParsedTemplate {
  readonly table: boolean;
  readonly body: string;
  readonly fields: readonly string[];
}

/** Pure: validates the template against the fields a command offers. */
export function parseTemplate(template: string, available: readonly string[]): ParsedTemplate {
  const table = /^table\s/.test(template);
  const body = (table ? template.replace(/^table\s+/, '') : template).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const withoutActions = body.replace(actionPattern, '');
  if (withoutActions.includes('{{')) {
    throw new TsctrError(`unsupported --format template ${JSON.stringify(template)}: use {{.Field}} with one of ${available.join(', ')}`);
  }
  const fields: string[] = [];
  for (const match of body.matchAll(actionPattern)) {
    const field = match[2];
    if (field === undefined) continue;
    if (!available.includes(field.split('.')[0])) {
      throw new TsctrError(`--format: unknown field .${field}; available: ${available.join(', ')}`);
    }
    fields.push(field);
  }
  return { table, body, fields };
}

function renderValue(value: unknown, asJson: boolean): string {
  if (asJson) return JSON.stringify(value ?? null);
  if (value === undefined || value === null) return '<no value>';
  if (Array.isArray(value)) return `[${value.map((v) => String(v)).join(' ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `A.B.C` walks nested records; a missing key is undefined (printed as <no value>). */
function lookup(record: TemplateRecord, field: string): unknown {
  let value: unknown = record;
  for (const key of field.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

export function renderRecord(parsed: ParsedTemplate, record: TemplateRecord): string {
  return parsed.body.replace(actionPattern, (_all, json: string | undefined, field: string | undefined) =>
    renderValue(field === undefined ? record : lookup(record, field), json !== undefined),
  );
}

/**
 * Renders every record; with `table`, a header (from `headers`, defaulting to the upper-cased field
 * name) comes first and tab-separated cells are aligned like podman's tables.
 */
export function renderTemplate(
  template: string,
  records: readonly TemplateRecord[],
  available: readonly string[],
  headers: Readonly<Record<string, string>> = {},
): string {
  const parsed = parseTemplate(template, available);
  const lines = records.map((r) => renderRecord(parsed, r));
  if (!parsed.table) return lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  const headerLine = parsed.body.replace(actionPattern, (_all, _json: string | undefined, field: string | undefined) =>
    field === undefined ? '' : (headers[field] ?? field.toUpperCase()),
  );
  return renderColumns([headerLine, ...lines].map((l) => l.replace(/\n$/, '').split('\t')));
}
