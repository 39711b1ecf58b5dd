import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** DI token for the shared ioredis client; absent when REDIS_URL is not set. */
export const REDIS = Symbol('REDIS');

/** How long start-up waits for a first connection before going on without one. */
const CONNECT_GRACE_MS = 5000;

/**
 * Fail fast instead of queueing: while Redis is down every command rejects at once,
 * so requests that need it answer 503 instead of hanging, and ioredis keeps
 * reconnecting in the background so the service recovers by itself.
 */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  static register(url: string | undefined): DynamicModule {
    if (!url) return { module: RedisModule };
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: async () => {
            const logger = new Logger('Redis');
            const redis = createRedisClient(url);
            // One line when Redis goes away and one when it is back, not one per reconnect attempt.
            let down = false;
            redis.on('error', (error: Error) => {
              if (!down) logger.warn(`Redis unreachable: ${error.message}`);
              down = true;
            });
            redis.on('ready', () => {
              if (down) logger.log('Redis is back');
              down = false;
            });
            await waitUntilReady(redis, CONNECT_GRACE_MS).catch(() =>
              logger.error(`Redis is not reachable yet; requests that need it answer 503 until it is`),
            );
            return redis;
          },
        },
        RedisLifecycle,
      ],
      exports: [REDIS],
    };
  }
}

function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error('Redis not ready'));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
