import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

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

@Injectable()
export class PasswordHasher {
  /** Verified when the email is unknown, so that case costs what a wrong password costs. */
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // a malformed stored hash never authenticates
    }
  }

  /** Spends the same time as verify() and always fails. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password-only-for-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
