import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as argon2 from 'argon2';
import pLimit from 'p-limit';
import { RetryLaterException } from '../common/retry-later.exception';
import type { AppConfig } from '../config/config.schema';

/**
 * OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB of memory, 2 iterations,
 * 1 degree of parallelism. The parameters are stored in each hash, so raising them
 * later still verifies old hashes.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** argon2 runs on libuv's thread pool: more hashes at once than its threads only wait there. */
const HASHES_AT_ONCE = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * Every hash and verify goes through one bounded queue: HASHES_AT_ONCE run, at most
 * PASSWORD_HASH_QUEUE wait, and past that the request is refused at once (503 with
 * Retry-After) rather than queued behind a burst of logins or registrations that would
 * make everyone wait seconds.
 */
@Injectable()
export class PasswordHasher {
  private readonly queue = pLimit(HASHES_AT_ONCE);
  private readonly maxWaiting: number;
  /** Verified when the email is unknown, so that case costs what a wrong password costs. */
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<AppConfig, true>) {
    this.maxWaiting = config.get('passwordHashQueue', { infer: true });
  }

  hash(password: string): Promise<string> {
    return this.run(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  verify(hash: string, password: string): Promise<boolean> {
    // A malformed stored hash never authenticates.
    return this.run(() => argon2.verify(hash, password).catch(() => false));
  }

  /** Spends the same time as verify() and always fails. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= argon2.hash('not-a-real-password-only-for-timing', ARGON2_OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    if (this.queue.activeCount + this.queue.pendingCount >= HASHES_AT_ONCE + this.maxWaiting) {
      return Promise.reject(new RetryLaterException(503, 'Too many password checks in progress, try again shortly', 1));
    }
    return this.queue(work);
  }
}
