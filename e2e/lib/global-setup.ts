/**
 * Jest globalSetup of the e2e project: checks the machine is prepared (users, registries) and
 * refreshes the installed CLI in /opt/tsctr from this checkout's build. Fails with the fix.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AUTH_REGISTRY, REGISTRY } from './fixtures';
import { pingStatus } from './registry-http';
import { TSCTR_BIN } from './run';
import { TEST_USER, userInfo } from './users';

const SETUP = 'sudo bash e2e/setup/setup.sh';

export default async function globalSetup(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'e2e tests must run as root: they install the build to /opt/tsctr and run tsctr as the user ' +
        `${TEST_USER} through runuser. Prepare the machine once with "${SETUP}", then run "sudo npm run test:e2e".`,
    );
  }
  userInfo(TEST_USER); // throws with the fix when missing
  for (const [host, want] of [
    [REGISTRY, 200],
    [AUTH_REGISTRY, 401],
  ] as const) {
    const got = await pingStatus(host);
    if (got !== want) {
      throw new Error(
        `the test registry ${host} answers ${got || 'nothing'} on /v2/ (expected ${want}): ` +
          `start it with "sudo bash e2e/setup/registries.sh" (or run "${SETUP}")`,
      );
    }
  }
  const repo = path.resolve(__dirname, '..', '..');
  const install = spawnSync('bash', [path.join(repo, 'e2e/setup/install.sh')], { encoding: 'utf8' });
  if (install.status !== 0) {
    throw new Error(`e2e/setup/install.sh failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  }
  const version = spawnSync('runuser', ['-u', TEST_USER, '--', TSCTR_BIN, 'version'], {
    encoding: 'utf8',
    cwd: userInfo(TEST_USER).home,
  });
  if (version.status !== 0) {
    throw new Error(`"${TSCTR_BIN} version" fails as ${TEST_USER} (exit ${version.status}):\n${version.stderr}`);
  }
}
