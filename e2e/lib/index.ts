/** Helpers for the end-to-end tests: see docs/testing.md. */
export { TEST_USER, NOSUB_USER, userInfo, type UserInfo } from './users';
export {
  TSCTR_BIN,
  INSTALL_DIR,
  INSTALLED_SHIM,
  runTsctr,
  runAsTestUser,
  runCommand,
  asUserArgv,
  type RunResult,
  type RunOptions,
  type TsctrOptions,
  type RunCommandOptions,
} from './run';
export { makeTestStore, registriesConfFor, removeTree, listTree, type TestStore } from './test-store';
export {
  REGISTRY,
  AUTH_REGISTRY,
  AUTH_USER,
  AUTH_PASSWORD,
  FIXTURES,
  layersExpected,
  modeOf,
  type LayersExpected,
  type ExpectedEntry,
} from './fixtures';
export { fetchManifest, fetchBlob, pingStatus, splitReference, type FetchedManifest, type Credentials } from './registry-http';
