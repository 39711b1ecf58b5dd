import { createsRecord, isPastAbsoluteExpiry, sessionTtlSeconds } from './session-data';

describe('session expiry arithmetic', () => {
  const now = 1_000_000_000_000;

  it('gives the idle TTL while the absolute deadline is far', () => {
    expect(sessionTtlSeconds({ authenticatedAt: now }, 1800, 43200, now)).toBe(1800);
  });

  it('caps the TTL at what is left of the absolute lifetime', () => {
    expect(sessionTtlSeconds({ authenticatedAt: now - 43000_000 }, 1800, 43200, now)).toBe(200);
  });

  it('never gives less than one second (a store TTL of 0 would mean forever)', () => {
    expect(sessionTtlSeconds({ authenticatedAt: now - 50000_000 }, 1800, 43200, now)).toBe(1);
  });

  it('uses the idle TTL for a session without a login time', () => {
    expect(sessionTtlSeconds({}, 1800, 43200, now)).toBe(1800);
  });

  it('expires at the absolute deadline exactly, and a session without a login time at once', () => {
    expect(isPastAbsoluteExpiry(now - 42_999_999, 43000, now)).toBe(false);
    expect(isPastAbsoluteExpiry(now - 43_000_000, 43000, now)).toBe(true);
    expect(isPastAbsoluteExpiry(undefined, 43000, now)).toBe(true);
  });
});

describe('createsRecord', () => {
  it("tells the login's creating write (lastSeenAt is the login) from the keep-alive writes", () => {
    expect(createsRecord({ authenticatedAt: 5, lastSeenAt: 5 })).toBe(true);
    expect(createsRecord({ authenticatedAt: 5, lastSeenAt: 6 })).toBe(false);
    expect(createsRecord({})).toBe(false);
  });
});
