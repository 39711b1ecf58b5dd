import { HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '../config/config.schema';
import { REDIS } from '../redis/redis.module';

/**
 * Counts failed logins per email and per client IP (LOGIN_MAX_ATTEMPTS in LOGIN_WINDOW),
 * in Redis when there is one so that the limit holds across instances. Once either
 * count is spent, logins for it answer 429 with Retry-After, before any password check.
 */
@Injectable()
export class LoginThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(config: ConfigService<AppConfig, true>, @Optional() @Inject(REDIS) redis?: Redis) {
    const { maxAttempts, window } = config.get('login', { infer: true });
    const limiter = (keyPrefix: string) =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix,
            points: maxAttempts,
            duration: window,
            rejectIfRedisNotReady: true,
          })
        : new RateLimiterMemory({ keyPrefix, points: maxAttempts, duration: window });
    this.byEmail = limiter('login-fail:email');
    this.byIp = limiter('login-fail:ip');
  }

  /** @throws 429 when the email or the IP has no attempts left. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const counts = await Promise.all([this.byEmail.get(email), this.byIp.get(ip)]);
    const spent = counts.filter((res): res is RateLimiterRes => res !== null && res.remainingPoints <= 0);
    if (spent.length === 0) return;
    const retryAfter = Math.ceil(Math.max(...spent.map((res) => res.msBeforeNext)) / 1000);
    throw new TooManyLoginAttempts(retryAfter);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.byEmail.penalty(email), this.byIp.penalty(ip)]);
  }

  /** A successful login clears the email's count; the IP's keeps running. */
  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}

export class TooManyLoginAttempts extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: 'Too many login attempts, try again later',
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
