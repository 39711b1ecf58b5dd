import Redis from 'ioredis';

/**
 * The e2e suites run against a real Redis (REDIS_URL, default redis://127.0.0.1:6379).
 * Without one they fail here, loudly, before any spec runs: they never skip.
 */
export default async function requireRedis(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `The e2e suites need Redis at ${url} and it does not answer (${(error as Error).message}). ` +
        'Start one (redis-server) or set REDIS_URL; .ci/run starts it for you.',
    );
  } finally {
    redis.disconnect();
  }
}
