import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { RedisConfig } from '../config/redis.config';
import { createRedisClient, isCluster, isReady, RedisClient } from './redis.client';
import { RedisWrites } from './redis-writes';

/** DI token for the shared ioredis client (a `RedisClient`); absent when Redis is not configured. */
export const REDIS = Symbol('REDIS');

/** How long start-up waits for a first connection before going on without one. */
const CONNECT_GRACE_MS = 5000;

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    // QUIT closes the data connection only; behind Sentinel the client also holds the failover
    // detector's subscriptions to the sentinels, which only disconnect() ends (they would
    // otherwise reconnect forever). Requests have drained by now: nothing is left to answer.
    if (!isCluster(this.redis) && this.redis.options.sentinels?.length) return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

const TOPOLOGY_NAMES = { standalone: 'Redis', cluster: 'Redis Cluster', sentinel: 'Redis (Sentinel)' } as const;

@Global()
@Module({})
export class RedisModule {
  static register(config: RedisConfig | undefined): DynamicModule {
    if (!config) return { module: RedisModule };
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: async () => {
            const logger = new Logger('Redis');
            const name = TOPOLOGY_NAMES[config.topology];
            const redis = createRedisClient(config);
            // One line when Redis goes away and one when it is back, not one per reconnect attempt.
            let down = false;
            redis.on('error', (error: Error) => {
              if (!down) logger.warn(`${name} unreachable: ${error.message}`);
              down = true;
            });
            redis.on('ready', () => {
              if (down) logger.log(`${name} is back`);
              down = false;
            });
            await waitUntilReady(redis, CONNECT_GRACE_MS).catch(() =>
              logger.error(`${name} is not reachable yet; requests that need it answer 503 until it is`),
            );
            return redis;
          },
        },
        {
          provide: RedisWrites,
          useFactory: (redis: RedisClient) => new RedisWrites(redis, config.writeReplicas, config.writeTimeout),
          inject: [REDIS],
        },
        RedisLifecycle,
      ],
      exports: [REDIS, RedisWrites],
    };
  }
}

/** Resolves once the client is ready (a cluster: with every node connected); rejects after `timeoutMs`. */
async function waitUntilReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isReady(redis)) {
    if (Date.now() > deadline) throw new Error('Redis not ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
