/**
 * One command runs everything: unit specs next to the code, then every e2e suite in
 * test/ once per AUTH_STRATEGY (the `e2e:<mode>` projects), against the real Redis.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const e2e = (strategy) => ({
  displayName: `e2e:${strategy}`,
  testEnvironment: 'node',
  rootDir: 'test',
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJest },
  globalSetup: '<rootDir>/support/require-redis.ts',
  setupFiles: [`<rootDir>/support/strategy.${strategy}.ts`],
});

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: 'src',
      testRegex: '.*\\.spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest },
    },
    e2e('session'),
    e2e('jwt'),
    e2e('both'),
  ],
};
