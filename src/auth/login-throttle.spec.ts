import { randomUUID } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { REDIS_URL } from '../../test/support/app';
import type { AppConfig } from '../config/config.schema';
import { LoginThrottle, TooManyLoginAttempts } from './login-throttle';

const config = (maxAttempts: number) =>
  ({ get: () => ({ maxAttempts, window: 60 }) }) as unknown as ConfigService<AppConfig, true>;

function contract(name: string, make: (maxAttempts: number) => LoginThrottle) {
  describe(`LoginThrottle [${name}]`, () => {
    it('allows LOGIN_MAX_ATTEMPTS failures per email, then refuses with Retry-After', async () => {
      const throttle = make(3);
      const email = `${randomUUID()}@x.io`;
      for (let i = 0; i < 3; i++) {
        await expect(throttle.assertAllowed(email, randomUUID())).resolves.toBeUndefined();
        await throttle.recordFailure(email, randomUUID());
      }
      const refusal = await throttle.assertAllowed(email, randomUUID()).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(TooManyLoginAttempts);
      expect((refusal as TooManyLoginAttempts).getStatus()).toBe(429);
      expect((refusal as TooManyLoginAttempts).retryAfterSeconds).toBeGreaterThan(0);
      expect((refusal as TooManyLoginAttempts).retryAfterSeconds).toBeLessThanOrEqual(60);
    });

    it('counts per IP across emails', async () => {
      const throttle = make(2);
      const ip = randomUUID();
      await throttle.recordFailure(`${randomUUID()}@x.io`, ip);
      await throttle.recordFailure(`${randomUUID()}@x.io`, ip);
      await expect(throttle.assertAllowed(`${randomUUID()}@x.io`, ip)).rejects.toBeInstanceOf(TooManyLoginAttempts);
      await expect(throttle.assertAllowed(`${randomUUID()}@x.io`, randomUUID())).resolves.toBeUndefined();
    });

    it('clears the email count after a success', async () => {
      const throttle = make(2);
      const email = `${randomUUID()}@x.io`;
      await throttle.recordFailure(email, randomUUID());
      await throttle.recordSuccess(email);
      await throttle.recordFailure(email, randomUUID());
      await expect(throttle.assertAllowed(email, randomUUID())).resolves.toBeUndefined();
    });
  });
}

contract('memory', (max) => new LoginThrottle(config(max)));

describe('with Redis', () => {
  const redis = new Redis(REDIS_URL);
  beforeAll(() => redis.ping());
  afterAll(() => redis.quit());
  contract('redis', (max) => new LoginThrottle(config(max), redis));

  it('shares counts between instances through Redis', async () => {
    const email = `${randomUUID()}@x.io`;
    await new LoginThrottle(config(1), redis).recordFailure(email, randomUUID());
    await expect(new LoginThrottle(config(1), redis).assertAllowed(email, randomUUID())).rejects.toBeInstanceOf(
      TooManyLoginAttempts,
    );
  });
});
