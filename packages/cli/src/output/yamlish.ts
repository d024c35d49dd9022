/**
 * Nested records as indented `key: value` text, the way `podman info` prints (YAML-like). Arrays of
 * scalars print inline; arrays of records print as `- ` items.
 */
type Value = string | number | boolean | null | undefined | readonly Value[] | { readonly [key: string]: Value };

function scalar(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  if (typeof value === 'string') return value === '' || /^[\s-]|: |[#{}[\],&*!|>'"%@`]/.test(value) ? JSON.stringify(value) : value;
  return String(value);
}

function isRecord(value: Value): value is { readonly [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function formatYamlish(value: { readonly [key: string]: Value }, indent = 0): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    if (isRecord(item)) {
      out += `${pad}${key}:\n${formatYamlish(item, indent + 2)}`;
    } else if (Array.isArray(item)) {
      const list = item as readonly Value[];
      if (list.length === 0) out += `${pad}${key}: []\n`;
      else if (list.every((v) => !isRecord(v) && !Array.isArray(v))) {
        out += `${pad}${key}:\n${list.map((v) => `${pad}- ${scalar(v as string)}\n`).join('')}`;
      } else {
        out += `${pad}${key}:\n`;
        for (const entry of list) {
          const text = formatYamlish(entry as { readonly [key: string]: Value }, indent + 2);
          out += `${pad}- ${text.slice(indent + 2)}`;
        }
      }
    } else {
      out += `${pad}${key}: ${scalar(item as string | number | boolean | null | undefined)}\n`;
    }
  }
  return out;
}
