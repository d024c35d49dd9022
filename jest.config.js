'use strict';
/** Two projects: fast unit tests (no privileges) and end-to-end tests that drive the built CLI. */
// Type errors are reported by `npm run typecheck`; ts-jest only transpiles (isolatedModules in tsconfig.tests.json).
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.tests.json' }];
const moduleNameMapper = {
  '^oci-spec-types$': '<rootDir>/packages/oci-spec-types/src/index.ts',
  '^@tsctr/engine$': '<rootDir>/packages/engine/src/index.ts',
  '^@tsctr/engine/(.*)$': '<rootDir>/packages/engine/src/$1',
};
module.exports = {
  // e2e tests drive real containers; unit tests finish long before this.
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/.ci/jest-summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/e2e/lib/global-setup.ts',
    },
  ],
};
