import { RedisServer } from './redis-server';

/**
 * Every test run talks to a Redis of its own: a throw-away `redis-server` on a free port, no
 * persistence, stopped at the end. The machine's Redis (6379) is never touched, nothing is
 * left behind, and several runs on one machine never see each other's keys.
 *
 * For Jest: `redis.global-setup.ts` starts it and exports its URL as REDIS_URL (the workers
 * inherit it), `redis.global-teardown.ts` stops it. The load test and the browser suite call
 * startPrivateRedis() themselves.
 */
export async function startPrivateRedis(): Promise<RedisServer> {
  try {
    return await RedisServer.start();
  } catch (error) {
    // Loud, before any spec runs: a suite without its Redis fails, it never skips.
    throw new Error(
      'The tests start a private redis-server and it did not start. Install Redis ' +
        `(apt-get install -y redis-server; bash .ci/run does it for you). ${(error as Error).message}`,
    );
  }
}

/** The private server's URL, from globalSetup; anything else is a mistake, never a fallback to 6379. */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) {
    throw new Error(
      'REDIS_URL is not set: the private Redis of this test run was not started ' +
        '(run the suites through jest.config.js, whose globalSetup starts it).',
    );
  }
  return url;
}
