'use strict';
/** Two projects: fast unit tests (no privileges) and end-to-end tests that drive the built CLI. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.tests.json' }];
const moduleNameMapper = {
  '^oci-spec-types$': '<rootDir>/packages/oci-spec-types/src/index.ts',
  '^@tsctr/engine$': '<rootDir>/packages/engine/src/index.ts',
  '^@tsctr/engine/(.*)$': '<rootDir>/packages/engine/src/$1',
};
module.exports = {
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
      testTimeout: 120000,
    },
  ],
};
