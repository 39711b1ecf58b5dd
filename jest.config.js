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

/**
 * The same e2e suites on a 3-master Redis Cluster that cluster-setup.ts starts on free ports
 * (`npm run test:cluster`; not part of `npm test` yet: see README, "Redis topologies").
 */
const e2eOnCluster = (strategy) => ({
  ...e2e(strategy),
  displayName: `e2e:cluster:${strategy}`,
  globalSetup: '<rootDir>/support/cluster-setup.ts',
  globalTeardown: '<rootDir>/support/cluster-teardown.ts',
  setupFiles: [`<rootDir>/support/strategy.${strategy}.ts`, '<rootDir>/support/topology.cluster.ts'],
});

/**
 * Failover under traffic on a master, a replica and three sentinels that the spec starts
 * (`npm run test:sentinel`), in `both` mode so that cookies and tokens go through it at once.
 */
const sentinel = {
  displayName: 'e2e:sentinel',
  testEnvironment: 'node',
  rootDir: 'test',
  testRegex: '.*\\.sentinel-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJest },
  setupFiles: ['<rootDir>/support/strategy.both.ts'],
};

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
    e2eOnCluster('session'),
    e2eOnCluster('jwt'),
    e2eOnCluster('both'),
    sentinel,
  ],
};
