import { ConfigService } from '@nestjs/config';
import { RetryLaterException } from '../common/retry-later.exception';
import type { AppConfig } from '../config/config.schema';
import { ARGON2_OPTIONS, PasswordHasher } from './password-hasher';

const withQueue = (passwordHashQueue: number) =>
  new PasswordHasher({ get: () => passwordHashQueue } as unknown as ConfigService<AppConfig, true>);

describe('PasswordHasher', () => {
  const hasher = withQueue(32);

  it('stores argon2id with the OWASP parameters and a random salt', async () => {
    const [a, b] = await Promise.all([hasher.hash('password-1'), hasher.hash('password-1')]);
    expect(a).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=1\\$`),
    );
    expect(a).not.toEqual(b);
    expect(a).not.toContain('password-1');
  });

  it('verifies the right password only', async () => {
    const hash = await hasher.hash('password-1');
    expect(await hasher.verify(hash, 'password-1')).toBe(true);
    expect(await hasher.verify(hash, 'password-2')).toBe(false);
  });

  it('treats a malformed stored hash as a failure, not an error', async () => {
    expect(await hasher.verify('not-a-hash', 'password-1')).toBe(false);
  });

  it('fails for an unknown user after doing the same argon2 work', async () => {
    expect(await hasher.verifyNothing('password-1')).toBe(false);
  });

  it('refuses work past its queue at once, with 503 and Retry-After, and finishes what it accepted', async () => {
    const small = withQueue(3);
    const hash = await small.hash('password-1');
    // 4 run at once (the thread pool), 3 may wait: of 30 at once, 23 are refused without waiting.
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => small.verify(hash, 'password-1')));
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(23);
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(RetryLaterException);
      expect((reason as RetryLaterException).getStatus()).toBe(503);
      expect((reason as RetryLaterException).retryAfterSeconds).toBeGreaterThan(0);
    }
    expect(results.filter((result) => result.status === 'fulfilled' && result.value === true)).toHaveLength(7);
    // Once the burst is over, the queue takes work again.
    await expect(small.verify(hash, 'password-1')).resolves.toBe(true);
  });
});
