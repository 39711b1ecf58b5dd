/**
 * One command runs everything: unit specs (next to the code in src/, and the checks of the
 * repository's own files in test/*.spec.ts), then every e2e suite in test/ once per
 * AUTH_STRATEGY (the `e2e:<mode>` projects).
 *
 * Redis: the globalSetup starts a private, throw-away redis-server on a free port for this
 * run and exports its URL as REDIS_URL; the globalTeardown stops it. The machine's Redis is
 * never touched (test/support/private-redis.ts). Without redis-server the run fails before
 * any spec, loudly.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

// The same paths in every project: Jest runs a globalSetup once however many projects name it.
const privateRedis = {
  globalSetup: `${__dirname}/test/support/redis.global-setup.ts`,
  globalTeardown: `${__dirname}/test/support/redis.global-teardown.ts`,
};

const e2e = (strategy) => ({
  displayName: `e2e:${strategy}`,
  testEnvironment: 'node',
  rootDir: 'test',
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJest },
  ...privateRedis,
  setupFiles: [`<rootDir>/support/strategy.${strategy}.ts`],
});

/**
 * The same e2e suites on a 3-master Redis Cluster that cluster-setup.ts starts on free ports
 * (`npm run test:cluster`, and part of `npm test`).
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
 * (`npm run test:sentinel`, and part of `npm test`), in `both` mode so that cookies and tokens
 * go through it at once.
 */
const sentinel = {
  displayName: 'e2e:sentinel',
  testEnvironment: 'node',
  rootDir: 'test',
  testRegex: '.*\\.sentinel-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJest },
  ...privateRedis,
  setupFiles: ['<rootDir>/support/strategy.both.ts'],
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/test'],
      // `.spec.ts`, not `.e2e-spec.ts` nor `.browser-spec.ts`.
      testRegex: '.*\\.spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest },
      ...privateRedis,
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
