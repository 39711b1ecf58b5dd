import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictException } from '@nestjs/common';
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

/** What PasswordHasher throws when its queue is full: nothing was judged. */
const saturated = () => Promise.reject(new RetryLaterException(503, 'Too many password checks in progress', 1));

/** The failure `promise` rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (reason: unknown) => reason,
  );
}

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

    it('gives back the guess of a check refused with 503 (the hash queue full): it judged nothing', async () => {
      const throttle = new LoginThrottle(config(2, 2), redis);
      const email = `${randomUUID()}@x.io`;
      const ip = randomUUID();
      for (let i = 0; i < 5; i++) {
        const failure = await failureOf(throttle.guarded(email, ip, saturated));
        expect(failure).toBeInstanceOf(RetryLaterException);
        expect((failure as RetryLaterException).getStatus()).toBe(503);
      }
      // Both guesses of the email and of the IP are still there.
      expect(await throttle.guarded(email, ip, judge(false))).toBeNull();
      expect(await throttle.guarded(email, ip, judge(false))).toBeNull();
      expect((await refusal(throttle.guarded(email, ip, judge(true)))).getStatus()).toBe(429);
    });

    it('keeps counting a check that failed otherwise', async () => {
      const throttle = new LoginThrottle(config(2, 1000), redis);
      const email = `${randomUUID()}@x.io`;
      const broken = () => Promise.reject(new Error('the users store failed'));
      for (let i = 0; i < 2; i++) {
        expect(await failureOf(throttle.guarded(email, randomUUID(), broken))).toEqual(
          new Error('the users store failed'),
        );
      }
      expect((await refusal(throttle.guarded(email, randomUUID(), judge(true)))).getStatus()).toBe(429);
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
      const register = () => Promise.resolve('account');
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => throttle.guarded(ip, register)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
      await refusal(throttle.guarded(ip, register));
      await expect(throttle.guarded(randomUUID(), register)).resolves.toBe('account');
    });

    it('gives back a registration refused with 503 (the hash queue full), and counts a taken email (409)', async () => {
      const throttle = new RegistrationThrottle(config(2), redis);
      const ip = randomUUID();
      for (let i = 0; i < 5; i++) {
        const failure = await failureOf(throttle.guarded(ip, saturated));
        expect(failure).toBeInstanceOf(RetryLaterException);
        expect((failure as RetryLaterException).getStatus()).toBe(503);
      }
      // Both registrations of the IP are still there; a 409 uses one up.
      const taken = new ConflictException('Email already registered');
      expect(await failureOf(throttle.guarded(ip, () => Promise.reject(taken)))).toBe(taken);
      await expect(throttle.guarded(ip, () => Promise.resolve('account'))).resolves.toBe('account');
      expect((await refusal(throttle.guarded(ip, () => Promise.resolve('account')))).getStatus()).toBe(429);
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
