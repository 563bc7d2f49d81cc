// Jest runs TypeScript through swc (fast, no type checking; `npm run typecheck` does that).
// Integration tests expect DATABASE_URL and TEMPORAL_ADDRESS from the test orchestrator
// (src/devstack/testRunner.ts), which `npm test` starts before Jest.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120_000,
  // Integration tests share one database and one Temporal server; serial runs keep them
  // from stepping on each other's data and keep the 2-core CI machine responsive.
  maxWorkers: 1,
};
