import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RetryLaterException } from '../../common/retry-later.exception';
import type { RedisClient } from '../../redis/redis.client';
import { redisCall, toRedisError } from '../../redis/redis-errors';

/** `points` per `duration` seconds and key, in Redis when there is one (shared by every instance). */
export function createLimiter(redis: RedisClient | undefined, keyPrefix: string, points: number, duration: number) {
  return redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, rejectIfRedisNotReady: true })
    : new RateLimiterMemory({ keyPrefix, points, duration });
}

/** One counted key of one limiter. */
export interface Counted {
  limiter: RateLimiterAbstract;
  key: string;
}

/**
 * Takes one point from every counter at once, each atomically in its store, so that however
 * many requests arrive together, no more than the limit get past. When any counter is spent
 * the points taken from the others are given back (the refused request is not counted where
 * it was allowed) and the caller gets 429 with the longest Retry-After. A store failure
 * propagates, classified (an outage: 503): limits fail closed.
 */
export async function consumeAll(counters: Counted[], message: string): Promise<void> {
  const results = await Promise.allSettled(counters.map(({ limiter, key }) => limiter.consume(key)));
  const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (refusals.length === 0) return;
  await giveBack(counters.filter((_, i) => results[i].status === 'fulfilled'));
  // Anything but a RateLimiterRes is the store failing (an Error).
  const failure = refusals.find((reason): reason is Error => !(reason instanceof RateLimiterRes));
  if (failure !== undefined) throw toRedisError(failure);
  const waitMs = Math.max(...(refusals as RateLimiterRes[]).map((res) => res.msBeforeNext));
  throw new RetryLaterException(429, message, Math.max(1, Math.ceil(waitMs / 1000)));
}

/** Gives back the point consumeAll took from each counter. */
export async function giveBack(counters: Counted[]): Promise<void> {
  await redisCall(() => Promise.all(counters.map(({ limiter, key }) => limiter.reward(key))));
}

/**
 * Runs `attempt`, for which consumeAll took a point from each counter. When it is refused
 * because the service is saturated (503 with Retry-After: the password-hash queue is full),
 * nothing was judged, so its points are given back: a right password or a registration
 * refused that way must not use up the caller's attempts. Any other failure stays counted.
 */
export async function givenBackIfSaturated<T>(counters: Counted[], attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof RetryLaterException && error.getStatus() === 503) {
      // Should the store fail now, the attempt only stays counted: the caller still hears its 503.
      await giveBack(counters).catch(() => undefined);
    }
    throw error;
  }
}
