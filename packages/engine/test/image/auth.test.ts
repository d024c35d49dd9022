import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TsctrError } from '@tsctr/engine/errors';
import { authFileLocations, authLookupKeys, findCredentials, normalizeAuthKey, removeAllCredentials, removeCredentials, saveCredentials } from '@tsctr/engine/image/auth';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('auth file locations', () => {
  it('primary is under XDG_RUNTIME_DIR, then the user config, then docker', () => {
    expect(authFileLocations({ env: { XDG_RUNTIME_DIR: '/run/user/7' }, home: '/h' })).toEqual({
      primary: '/run/user/7/containers/auth.json',
      readOrder: ['/run/user/7/containers/auth.json', '/h/.config/containers/auth.json', '/h/.docker/config.json'],
    });
  });
  it('falls back to ~/.config/containers/auth.json without XDG_RUNTIME_DIR; honours XDG_CONFIG_HOME and DOCKER_CONFIG', () => {
    expect(authFileLocations({ env: {}, home: '/h' })).toEqual({ primary: '/h/.config/containers/auth.json', readOrder: ['/h/.config/containers/auth.json', '/h/.docker/config.json'] });
    expect(authFileLocations({ env: { XDG_CONFIG_HOME: '/c', DOCKER_CONFIG: '/d' }, home: '/h' }).readOrder).toEqual(['/c/containers/auth.json', '/d/config.json']);
  });
  it('REGISTRY_AUTH_FILE or --authfile is the only file', () => {
    expect(authFileLocations({ env: { REGISTRY_AUTH_FILE: '/x.json', XDG_RUNTIME_DIR: '/r' } })).toEqual({ primary: '/x.json', readOrder: ['/x.json'] });
    expect(authFileLocations({ env: { REGISTRY_AUTH_FILE: '/x.json' }, authFile: '/y.json' }).primary).toBe('/y.json');
  });
});

describe('keys', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['http://LocalHost:5000', 'localhost:5000'],
    ['https://quay.io/v2/', 'quay.io'],
    ['quay.io/team/app/', 'quay.io/team/app'],
  ])('%s -> %s', (key, expected) => expect(normalizeAuthKey(key)).toBe(expected));
  it('looks up the most specific key first', () => {
    expect(authLookupKeys('r.io', 'a/b/c')).toEqual(['r.io/a/b/c', 'r.io/a/b', 'r.io/a', 'r.io']);
  });
});

describe('credentials files', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const home = () => path.join(dir, 'home');
  const write = (file: string, value: unknown) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-'));
    env = { XDG_RUNTIME_DIR: path.join(dir, 'run') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads docker config.json with URL keys and the hierarchy of a containers auth.json', async () => {
    write(path.join(home(), '.docker', 'config.json'), { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } }, credsStore: 'x' });
    write(path.join(dir, 'run', 'containers', 'auth.json'), { auths: { 'r.io': { auth: b64('top:1') }, 'r.io/team': { auth: b64('team:2:with:colons') } } });
    const opts = { env, home: home() };
    expect(await findCredentials('docker.io', 'library/alpine', opts)).toEqual({ username: 'hub', password: 'pw' });
    expect(await findCredentials('r.io', 'team/app', opts)).toEqual({ username: 'team', password: '2:with:colons' });
    expect(await findCredentials('r.io', 'other/app', opts)).toEqual({ username: 'top', password: '1' });
    expect(await findCredentials('none.io', 'x', opts)).toBeUndefined();
  });

  it('the primary file wins over later files; malformed entries are skipped', async () => {
    write(path.join(dir, 'run', 'containers', 'auth.json'), { auths: { 'r.io': { auth: b64('nocolon') }, 's.io': { auth: b64('first:1') } } });
    write(path.join(home(), '.config', 'containers', 'auth.json'), { auths: { 'r.io': { auth: b64('second:2') }, 's.io': { auth: b64('second:2') } } });
    const opts = { env, home: home() };
    expect(await findCredentials('s.io', undefined, opts)).toEqual({ username: 'first', password: '1' });
    expect(await findCredentials('r.io', undefined, opts)).toEqual({ username: 'second', password: '2' });
  });

  it('a broken file is an error naming it', async () => {
    const file = path.join(dir, 'run', 'containers', 'auth.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{oops');
    await expect(findCredentials('r.io', undefined, { env, home: home() })).rejects.toThrow(new RegExp(`credentials file ${file} is not valid JSON`));
  });

  it('login writes atomically with mode 0600, keeping other entries and fields; logout removes', async () => {
    const file = path.join(dir, 'run', 'containers', 'auth.json');
    write(file, { auths: { 'https://localhost:5000': { auth: b64('old:old') }, 'other.io': { auth: b64('o:o') } }, credHelpers: { 'h.io': 'pass' } });
    const opts = { env, home: home() };
    expect(await saveCredentials('localhost:5000', 'alice', 'secret', opts)).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toEqual({ auths: { 'localhost:5000': { auth: b64('alice:secret') }, 'other.io': { auth: b64('o:o') } }, credHelpers: { 'h.io': 'pass' } });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['auth.json']);
    expect(await findCredentials('localhost:5000', 'busybox', opts)).toEqual({ username: 'alice', password: 'secret' });

    expect(await removeCredentials('localhost:5000', opts)).toEqual({ removed: true, file });
    expect(await findCredentials('localhost:5000', 'busybox', opts)).toBeUndefined();
    expect(await removeCredentials('localhost:5000', opts)).toEqual({ removed: false });
    expect(await removeAllCredentials(opts)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).auths).toEqual({});
  });

  it('login creates the directory; logout reports credentials it does not own', async () => {
    const opts = { env: {}, home: home() };
    const file = await saveCredentials('quay.io/team', 'bob', 'pw', opts);
    expect(file).toBe(path.join(home(), '.config', 'containers', 'auth.json'));
    write(path.join(home(), '.docker', 'config.json'), { auths: { 'docker.io': { auth: b64('d:d') } } });
    expect(await removeCredentials('docker.io', opts)).toEqual({ removed: false, otherFile: path.join(home(), '.docker', 'config.json') });
  });

  it('refuses bad login input', async () => {
    await expect(saveCredentials('r.io', 'a:b', 'pw', { env, home: home() })).rejects.toBeInstanceOf(TsctrError);
    await expect(saveCredentials('has space', 'a', 'pw', { env, home: home() })).rejects.toThrow(/invalid registry "has space"/);
  });
});
