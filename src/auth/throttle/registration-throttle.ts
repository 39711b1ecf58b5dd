import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/config.schema';
import { limiterPrefixes } from '../../redis/keys';
import { REDIS } from '../../redis/redis.module';
import { consumeAll, createLimiter } from './limiter';
import type { RedisClient } from '../../redis/redis.client';

/**
 * Registrations per client IP (REGISTER_MAX_PER_IP in REGISTER_WINDOW), counted before the
 * password is hashed: each one costs a slow hash, and a 409 tells whether an email is taken.
 */
@Injectable()
export class RegistrationThrottle {
  private readonly byIp: RateLimiterAbstract;

  constructor(config: ConfigService<AppConfig, true>, @Optional() @Inject(REDIS) redis?: RedisClient) {
    const { maxPerIp, window } = config.get('register', { infer: true });
    this.byIp = createLimiter(redis, limiterPrefixes.registerIp, maxPerIp, window);
  }

  /** @throws 429 when this IP has registered REGISTER_MAX_PER_IP times in the window. */
  async take(ip: string): Promise<void> {
    await consumeAll([{ limiter: this.byIp, key: ip }], 'Too many registrations from this address, try again later');
  }
}
