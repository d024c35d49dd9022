import { TsctrError } from '@tsctr/engine/errors';
import { familiarName, formatReference, isShortName, parseReference, qualifyReference, repositoryName, withDefaultTag } from '@tsctr/engine/image/reference';

const digest = `sha256:${'ab'.repeat(32)}`;

function parseError(input: string): string {
  try {
    parseReference(input);
  } catch (err) {
    expect(err).toBeInstanceOf(TsctrError);
    return (err as TsctrError).message;
  }
  throw new Error(`"${input}" parsed`);
}

describe('parseReference', () => {
  it.each([
    ['alpine', { path: 'alpine' }],
    ['alpine:3.19', { path: 'alpine', tag: '3.19' }],
    ['user/app', { path: 'user/app' }],
    ['host:5000/a/b:tag', { domain: 'host:5000', path: 'a/b', tag: 'tag' }],
    [`name@${digest}`, { path: 'name', digest }],
    [`name:v1@${digest}`, { path: 'name', tag: 'v1', digest }],
    ['localhost/x', { domain: 'localhost', path: 'x' }],
    ['localhost:5000/busybox:latest', { domain: 'localhost:5000', path: 'busybox', tag: 'latest' }],
    ['quay.io/podman/stable', { domain: 'quay.io', path: 'podman/stable' }],
    ['index.docker.io/library/alpine', { domain: 'docker.io', path: 'library/alpine' }],
    ['127.0.0.1:5000/a', { domain: '127.0.0.1:5000', path: 'a' }],
    ['[::1]:5000/a:b', { domain: '[::1]:5000', path: 'a', tag: 'b' }],
    ['a.b-c/d__e/e---f_g.h:Tag_1.x-y', { domain: 'a.b-c', path: 'd__e/e---f_g.h', tag: 'Tag_1.x-y' }],
    ['my-reg/a', { path: 'my-reg/a' }],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it('tells short names from qualified ones', () => {
    expect(isShortName(parseReference('user/app'))).toBe(true);
    expect(isShortName(parseReference('alpine:3'))).toBe(true);
    expect(isShortName(parseReference('localhost/app'))).toBe(false);
    expect(isShortName(parseReference('example.com/app'))).toBe(false);
    expect(isShortName(parseReference('host:1/app'))).toBe(false);
  });

  it.each([
    ['', /is empty/],
    ['Alpine', /must be lowercase/],
    ['user/App:1', /must be lowercase/],
    ['alpine:', /tag "" is invalid/],
    ['alpine:-x', /tag "-x" is invalid/],
    [`alpine:${'x'.repeat(129)}`, /is invalid/],
    ['alpine@sha256:abc', /64 lowercase hex/],
    ['alpine@nonsense', /is not a digest/],
    ['a//b', /empty path component/],
    ['host:5000/', /repository name is empty/],
    ['-bad', /not a valid repository path component/],
    ['a_-b', /not a valid repository path component/],
    ['bad_host-.com/x', /not a valid registry host/],
    ['has space', /whitespace/],
    ['ab'.repeat(32), /image ID/],
    [`x/${'a'.repeat(260)}`, /longer than 255/],
  ])('refuses %j', (input, message) => {
    const text = parseError(input);
    expect(text).toMatch(message);
    expect(text).toContain(`"${input}"`);
  });
});

describe('qualify, tag, format, familiar', () => {
  it('adds library/ for one-component Docker Hub names only', () => {
    expect(qualifyReference(parseReference('alpine'), 'docker.io')).toEqual({ domain: 'docker.io', path: 'library/alpine' });
    expect(qualifyReference(parseReference('user/app'), 'docker.io').path).toBe('user/app');
    expect(qualifyReference(parseReference('docker.io/alpine'), 'ignored.example').path).toBe('library/alpine');
    expect(qualifyReference(parseReference('alpine'), 'quay.io')).toEqual({ domain: 'quay.io', path: 'alpine' });
    expect(qualifyReference(parseReference('alpine'), 'index.docker.io').domain).toBe('docker.io');
  });
  it('defaults the tag to latest unless a digest is given', () => {
    expect(withDefaultTag(parseReference('alpine')).tag).toBe('latest');
    expect(withDefaultTag(parseReference(`alpine@${digest}`)).tag).toBeUndefined();
    expect(withDefaultTag(parseReference('alpine:3')).tag).toBe('3');
  });
  it('formats', () => {
    const ref = withDefaultTag(qualifyReference(parseReference('alpine'), 'docker.io'));
    expect(formatReference(ref)).toBe('docker.io/library/alpine:latest');
    expect(repositoryName(ref)).toBe('docker.io/library/alpine');
    expect(formatReference(parseReference(`host:5000/a/b@${digest}`))).toBe(`host:5000/a/b@${digest}`);
    expect(formatReference(parseReference(`h.io/a:t@${digest}`))).toBe(`h.io/a:t@${digest}`);
  });
  it('gives the familiar name', () => {
    expect(familiarName(parseReference('docker.io/library/alpine:3'))).toBe('alpine:3');
    expect(familiarName(parseReference('docker.io/user/app'))).toBe('user/app');
    expect(familiarName(parseReference('docker.io/library/a/b'))).toBe('library/a/b');
    expect(familiarName(parseReference('localhost:5000/busybox:latest'))).toBe('localhost:5000/busybox:latest');
  });
});
