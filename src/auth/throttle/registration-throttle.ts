import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/config.schema';
import { limiterPrefixes } from '../../redis/keys';
import { REDIS } from '../../redis/redis.module';
import { consumeAll, Counted, createLimiter, givenBackIfSaturated } from './limiter';
import type { RedisClient } from '../../redis/redis.client';

/**
 * Registrations per client IP (REGISTER_MAX_PER_IP in REGISTER_WINDOW), counted before the
 * password is hashed: each one costs a slow hash, and a 409 tells whether an email is taken.
 * A registration refused because the password-hash queue is full (503) did neither: it is given back.
 */
@Injectable()
export class RegistrationThrottle {
  private readonly byIp: RateLimiterAbstract;

  constructor(config: ConfigService<AppConfig, true>, @Optional() @Inject(REDIS) redis?: RedisClient) {
    const { maxPerIp, window } = config.get('register', { infer: true });
    this.byIp = createLimiter(redis, limiterPrefixes.registerIp, maxPerIp, window);
  }

  /**
   * Runs `register` counted against `ip`.
   * @throws 429 when this IP has registered REGISTER_MAX_PER_IP times in the window; whatever
   * `register` throws (a 409 is counted, a 503 is not).
   */
  async guarded<T>(ip: string, register: () => Promise<T>): Promise<T> {
    const counters: Counted[] = [{ limiter: this.byIp, key: ip }];
    await consumeAll(counters, 'Too many registrations from this address, try again later');
    return givenBackIfSaturated(counters, register);
  }
}
