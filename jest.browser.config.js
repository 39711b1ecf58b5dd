/**
 * The browser suite (npm run test:browser): Debian's Chromium, driven by playwright-core,
 * against the built server (`node dist/main.js`) and the example web client on its own origin,
 * once per AUTH_STRATEGY (projects browser:session, browser:jwt, browser:both). It needs
 * redis-server (the suite starts a private one, as jest.config.js does) and /usr/bin/chromium
 * (or CHROMIUM_PATH); without either it fails before any spec runs, never skips.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const browser = (strategy) => ({
  displayName: `browser:${strategy}`,
  testEnvironment: 'node',
  rootDir: 'test',
  testRegex: 'browser/.*\\.browser-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJest },
  setupFiles: [`<rootDir>/support/strategy.${strategy}.ts`],
});

module.exports = {
  // Chromium, the server and the page are real processes: generous, but failures come from
  // playwright's own 10 s waits first, so that the failure screenshot is taken.
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/redis.global-teardown.ts',
  projects: [browser('session'), browser('jwt'), browser('both')],
};
