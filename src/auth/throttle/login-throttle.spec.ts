import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { testRedisUrl } from '../../../test/support/private-redis';
import { RetryLaterException } from '../../common/retry-later.exception';
import type { AppConfig } from '../../config/config.schema';
import { LoginThrottle } from './login-throttle';
import { RegistrationThrottle } from './registration-throttle';

const config = (maxAttempts: number, maxAttemptsPerIp = 1000) =>
  ({
    get: (key: string) =>
      key === 'login' ? { maxAttempts, maxAttemptsPerIp, window: 60 } : { maxPerIp: maxAttempts, window: 60 },
  }) as unknown as ConfigService<AppConfig, true>;

/** A password check that takes a while, as argon2 does, and says whether it was right. */
const judge = (right: boolean) => async () => {
  await sleep(20);
  return right ? 'user' : null;
};

async function refusal(promise: Promise<unknown>): Promise<RetryLaterException> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RetryLaterException);
  return error as RetryLaterException;
}

function contract(name: string, redis?: Redis) {
  describe(`LoginThrottle [${name}]`, () => {
    it('judges at most LOGIN_MAX_ATTEMPTS wrong guesses of 50 arriving at once, and refuses the rest with 429', async () => {
      const throttle = new LoginThrottle(config(5), redis);
      const email = `${randomUUID()}@x.io`;
      let judged = 0;
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          throttle.guarded(email, randomUUID(), async () => {
            judged++;
            return judge(false)();
          }),
        ),
      );
      expect(judged).toBe(5);
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(refused).toHaveLength(45);
      for (const { reason } of refused) {
        expect(reason).toBeInstanceOf(RetryLaterException);
        expect((reason as RetryLaterException).getStatus()).toBe(429);
        expect((reason as RetryLaterException).retryAfterSeconds).toBeGreaterThan(0);
        expect((reason as RetryLaterException).retryAfterSeconds).toBeLessThanOrEqual(60);
      }
      // The right password too, once the email is spent.
      await refusal(throttle.guarded(email, randomUUID(), judge(true)));
    });

    it('limits per IP across emails, with its own limit', async () => {
      const throttle = new LoginThrottle(config(5, 3), redis);
      const ip = randomUUID();
      for (let i = 0; i < 3; i++) expect(await throttle.guarded(`${randomUUID()}@x.io`, ip, judge(false))).toBeNull();
      await refusal(throttle.guarded(`${randomUUID()}@x.io`, ip, judge(true)));
      expect(await throttle.guarded(`${randomUUID()}@x.io`, randomUUID(), judge(true))).toBe('user');
    });

    it('gives back the guess of a right password: successes never use up the limit', async () => {
      const throttle = new LoginThrottle(config(2, 2), redis);
      const email = `${randomUUID()}@x.io`;
      const ip = randomUUID();
      for (let i = 0; i < 10; i++) expect(await throttle.guarded(email, ip, judge(true))).toBe('user');
      expect(await throttle.guarded(email, ip, judge(false))).toBeNull();
      expect(await throttle.guarded(email, ip, judge(false))).toBeNull();
      await refusal(throttle.guarded(email, ip, judge(true)));
    });

    it('does not count a refused attempt against the limit that allowed it', async () => {
      const throttle = new LoginThrottle(config(1, 2), redis);
      const ip = randomUUID();
      const spent = `${randomUUID()}@x.io`;
      expect(await throttle.guarded(spent, ip, judge(false))).toBeNull();
      // Refused for the email: the IP's count is given back each time.
      for (let i = 0; i < 5; i++) await refusal(throttle.guarded(spent, ip, judge(false)));
      expect(await throttle.guarded(`${randomUUID()}@x.io`, ip, judge(false))).toBeNull();
    });
  });

  describe(`RegistrationThrottle [${name}]`, () => {
    it('lets REGISTER_MAX_PER_IP of 40 simultaneous registrations from one IP through', async () => {
      const throttle = new RegistrationThrottle(config(10), redis);
      const ip = randomUUID();
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => throttle.take(ip)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
      await refusal(throttle.take(ip));
      await expect(throttle.take(randomUUID())).resolves.toBeUndefined();
    });
  });
}

contract('memory');

describe('with Redis', () => {
  const redis = new Redis(testRedisUrl());
  beforeAll(() => redis.ping());
  afterAll(() => redis.quit());
  contract('redis', redis);

  it('shares counts between instances through Redis', async () => {
    const email = `${randomUUID()}@x.io`;
    expect(await new LoginThrottle(config(1), redis).guarded(email, randomUUID(), judge(false))).toBeNull();
    await refusal(new LoginThrottle(config(1), redis).guarded(email, randomUUID(), judge(true)));
  });
});
