/** Unit tests: `*.spec.ts`; integration tests (real PostgreSQL, Redis, TLS): `*.int-spec.ts`; end-to-end
 *  tests of the built processes: `*.e2e-spec.ts`. `npm test` runs them all. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '\\.(spec|int-spec|e2e-spec)\\.ts$',
  // ts-jest only transpiles (tsconfig's isolatedModules): fast, but blind to types. `npm test` type-checks
  // every file, tests included, before jest starts (`npm run typecheck` in pretest).
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
  // Every entry point (main.ts) loads the Reflect polyfill first; tests get it the same way.
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Suites on the official examples are skipped where those are absent; the last line of a run says so.
  reporters: ['default', '<rootDir>/test/support/skipped-conformance-reporter.js'],
  testTimeout: 60_000,
  // Integration suites each start their own broker; two at a time fits the two cores here.
  maxWorkers: 2,
};
