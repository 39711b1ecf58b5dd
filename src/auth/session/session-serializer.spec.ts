import type { SessionData } from 'express-session';
import { createSessionSerializer } from './session-serializer';

describe('session serializer', () => {
  const serializer = createSessionSerializer({ httpOnly: true, secure: true, sameSite: 'lax', path: '/' }, 1800);
  const expires = new Date('2030-01-01T00:00:00.000Z');
  const session = {
    cookie: { expires, originalMaxAge: 1_800_000, httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
    userId: '6b0bd69039a92a4b2ee7617e',
    authenticatedAt: 1_000,
    lastSeenAt: 2_000,
    handle: 'h4ndle',
    roles: ['user', 'admin'],
    refreshFamily: 'fam-1',
  } as unknown as SessionData;

  it('round-trips every field, the cookie rebuilt from configuration and the stored expiry', () => {
    expect(serializer.parse(serializer.stringify(session))).toEqual(session);
  });

  it('stores no cookie attributes, only the expiry', () => {
    const stored = serializer.stringify(session);
    expect(JSON.parse(stored)).toEqual({
      u: session.userId,
      a: 1000,
      l: 2000,
      h: 'h4ndle',
      f: 'fam-1',
      r: ['user', 'admin'],
      e: expires.getTime(),
    });
    expect(stored.length).toBeLessThan(140);
  });

  it('reads a record written before roles existed as a session with none', () => {
    const stored = JSON.parse(serializer.stringify(session)) as Record<string, unknown>;
    delete stored.r;
    expect(serializer.parse(JSON.stringify(stored))?.roles).toEqual([]);
  });

  it.each([
    ['not JSON', '{oops'],
    ['JSON null', 'null'],
    ["express-session's own format", JSON.stringify({ cookie: {}, userId: 'x' })],
    ['a user id that is not a string', JSON.stringify({ u: 1, a: 1, l: 1, h: 'h', e: 1 })],
    ['no expiry', JSON.stringify({ u: 'x', a: 1, l: 1, h: 'h' })],
    ['roles that are not a list of strings', JSON.stringify({ u: 'x', a: 1, l: 1, h: 'h', e: 1, r: 'admin' })],
    ['an expiry that is no date', JSON.stringify({ u: 'x', a: 1, l: 1, h: 'h', e: 1e300 })],
  ])('reads %s as no session', (_label, raw) => {
    expect(serializer.parse(raw)).toBeNull();
  });
});
