/** JSON output shared by commands: podman indents with 4 spaces and ends with a newline. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 4) + '\n';
}
