import { nodeProgramEnv } from '../../src/runtime/node-program-env';

describe('nodeProgramEnv', () => {
  it('drops NODE_EXTRA_CA_CERTS and keeps everything else, without changing its input', () => {
    const env = { HOME: '/home/u', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', NODE_OPTIONS: '--max-old-space-size=64' };
    expect(nodeProgramEnv(env)).toEqual({ HOME: '/home/u', NODE_OPTIONS: '--max-old-space-size=64' });
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/certs/ca-certificates.crt');
  });

  it('returns an environment without it as it is', () => {
    const env = { PATH: '/usr/bin' };
    expect(nodeProgramEnv(env)).toBe(env);
  });
});
