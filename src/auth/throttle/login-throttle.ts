import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/config.schema';
import { limiterPrefixes } from '../../redis/keys';
import { REDIS } from '../../redis/redis.module';
import { consumeAll, Counted, createLimiter, giveBack, givenBackIfSaturated } from './limiter';
import type { RedisClient } from '../../redis/redis.client';

/**
 * Password guesses per email (LOGIN_MAX_ATTEMPTS) and per client IP (LOGIN_MAX_ATTEMPTS_PER_IP)
 * in LOGIN_WINDOW. A guess is counted before the password is judged and given back when it
 * was right: counting failures after the slow hash check would let every guess that arrives
 * in the meantime be judged. So at most the limit of wrong guesses is ever judged in a window,
 * however many arrive at once; the rest get 429 with Retry-After. A check refused because the
 * password-hash queue is full (503) judged nothing: it is given back too.
 */
@Injectable()
export class LoginThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(config: ConfigService<AppConfig, true>, @Optional() @Inject(REDIS) redis?: RedisClient) {
    const { maxAttempts, maxAttemptsPerIp, window } = config.get('login', { infer: true });
    this.byEmail = createLimiter(redis, limiterPrefixes.loginEmail, maxAttempts, window);
    this.byIp = createLimiter(redis, limiterPrefixes.loginIp, maxAttemptsPerIp, window);
  }

  /**
   * Checks `password` for `email` from `ip` with `judge`, counted against both limits.
   * @throws 429 before judging when either limit is spent; whatever `judge` throws (a 503 is not counted).
   */
  async guarded<T>(email: string, ip: string, judge: () => Promise<T | null>): Promise<T | null> {
    const counters: Counted[] = [
      { limiter: this.byEmail, key: email },
      { limiter: this.byIp, key: ip },
    ];
    await consumeAll(counters, 'Too many login attempts, try again later');
    const result = await givenBackIfSaturated(counters, judge);
    if (result !== null) await giveBack(counters);
    return result;
  }
}
