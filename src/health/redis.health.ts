import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async ping(key: 'redis'): Promise<HealthIndicatorResult<'redis'>> {
    const indicator = this.indicators.check(key);
    try {
      await this.redis.ping();
      return indicator.up();
    } catch {
      // The store is named by the key; the driver's text (hosts, ports) stays in the logs.
      return indicator.down({ message: 'unreachable' });
    }
  }
}
