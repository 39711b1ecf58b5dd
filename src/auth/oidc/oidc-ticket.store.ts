/**
 * Short-lived, single-use records of single sign-on: the pending login behind a `state` and the
 * token pair behind a one-time code. A record can be taken once: of two concurrent takers,
 * one gets it and the other null. In Redis when it is configured (every instance sees what
 * another one stored), else in process memory.
 */
export abstract class OidcTicketStore {
  /** Stores `value` under `key` for `ttlSeconds`. */
  abstract put(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Stores `value` under `key` unless something is there already: true when it stored it. */
  abstract putNew(key: string, value: string, ttlSeconds: number): Promise<boolean>;

  /** The value stored under `key`, removed in the same step; null when absent, expired or already taken. */
  abstract take(key: string): Promise<string | null>;
}
