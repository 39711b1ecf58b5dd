import { startPrivateRedis } from './private-redis';
import type { RedisServer } from './redis-server';

/** Shared with redis.global-teardown.ts: Jest runs both in its parent process. */
export const PRIVATE_REDIS = Symbol.for('nest-dual-auth.test.private-redis');

/**
 * Jest globalSetup of the unit and e2e projects: starts this run's private Redis (see
 * private-redis.ts) and hands its URL to every worker as REDIS_URL, whatever REDIS_URL was.
 */
export default async function redisGlobalSetup(): Promise<void> {
  const slot = globalThis as Record<symbol, RedisServer | undefined>;
  if (slot[PRIVATE_REDIS]) return; // started already by another project's setup in this run
  const server = await startPrivateRedis();
  slot[PRIVATE_REDIS] = server;
  process.env.REDIS_URL = server.url;
}
