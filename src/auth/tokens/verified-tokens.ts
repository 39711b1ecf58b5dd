/**
 * Access tokens this instance has already verified, with their claims: a client sends the same
 * token on every request until it expires, and checking its signature again (decoding, an HMAC
 * or a signature check, the claims) gave the same answer every time, at a tenth of the
 * request's CPU (bench/README.md, issue 13). A hit still checks the expiry, and whatever the
 * caller checks after verifying (the denylist) still runs on every request. Only tokens that
 * passed verification are kept, keyed by the whole token, so a forged or altered token is never
 * a hit; at most `capacity`, the oldest dropped first. Our own code: a Map in insertion order is
 * all an expiring, bounded memo needs.
 */
export class VerifiedTokens<T extends { exp: number }> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  /** The claims of `token` if it was verified here and is not yet expired (epoch seconds `now`). */
  get(token: string, now: number): T | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp > now) return claims;
    this.entries.delete(token);
    return undefined;
  }

  add(token: string, claims: T): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
