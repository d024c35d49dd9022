/**
 * Parses `WWW-Authenticate` headers (RFC 7235): `Bearer realm="https://auth/token",service="reg",
 * scope="repository:a/b:pull"`, `Basic realm="x"`. Several challenges may share one header.
 *
 *   parseWwwAuthenticate(header) -> [{ scheme: 'bearer', params: { realm, service, scope } }, ...]
 */

export interface AuthChallenge {
  /** Lowercased: 'bearer', 'basic', ... */
  readonly scheme: string;
  /** Parameter names lowercased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header.trim();
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = token.exec(rest)?.[0];
    if (!name) break;
    rest = rest.slice(name.length);
    const afterSpaces = rest.replace(/^\s+/, '');
    if (afterSpaces.startsWith('=')) {
      // A parameter of the current challenge.
      rest = afterSpaces.slice(1).replace(/^\s+/, '');
      let value: string;
      if (rest.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < rest.length && rest[i] !== '"') {
          if (rest[i] === '\\' && i + 1 < rest.length) i++;
          value += rest[i];
          i++;
        }
        rest = rest.slice(i + 1);
      } else {
        value = token.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      const current = challenges[challenges.length - 1];
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      challenges.push({ scheme: name.toLowerCase(), params: {} });
      rest = afterSpaces;
    }
  }
  return challenges;
}
