import { PRIVATE_REDIS } from './redis.global-setup';
import type { RedisServer } from './redis-server';

/** Jest globalTeardown: stops this run's private Redis, and with it everything the run stored. */
export default async function redisGlobalTeardown(): Promise<void> {
  const slot = globalThis as Record<symbol, RedisServer | undefined>;
  await slot[PRIVATE_REDIS]?.stop();
  slot[PRIVATE_REDIS] = undefined;
}
