import { Cookie, SessionData, Store } from 'express-session';
import '../../src/auth/session/session-data';
import { createsRecord } from '../../src/auth/session/session-data';

/** The idle TTL (seconds) of the sessions these helpers build. */
export const IDLE = 1800;

/** A session as SessionMechanism leaves it, with a real express-session Cookie: created at `authenticatedAt`, kept alive at `lastSeenAt`. */
export function sessionAt(authenticatedAt: number, lastSeenAt: number): SessionData {
  // The typings declare no constructor arguments; express-session's Cookie takes its options.
  const CookieWithOptions = Cookie as unknown as new (options: object) => Cookie;
  const cookie = new CookieWithOptions({ maxAge: IDLE * 1000, httpOnly: true, sameSite: 'lax', path: '/' });
  return { cookie, userId: 'u1', handle: 'h1', roles: ['user'], authenticatedAt, lastSeenAt };
}

/** A session store's callback-style call as a promise. */
export function call(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(asError(error)) : resolve())));
}

/** What `store` answers for `sid`, as express-session asks (a callback); absent is null. */
export function getSession(store: Store, sid: string): Promise<SessionData | null> {
  return new Promise((resolve, reject) => {
    void store.get(sid, (error: unknown, found?: SessionData | null) =>
      error ? reject(asError(error)) : resolve(found ?? null),
    );
  });
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
}

/**
 * The rule of every session store (docs/api.md, "Ending wins"): only the login's write creates a
 * record; a keep-alive write for a session that was ended meanwhile, or never existed, is dropped.
 * `store()` is the store under test (built by the caller's hooks); `sid(name)` a fresh id for it.
 */
export function endingWinsContract(store: () => Store, sid: (name: string) => string): void {
  it('stores the login and keeps it alive', async () => {
    const live = sid('live');
    const login = Date.now() - 60_000;
    expect(createsRecord(sessionAt(login, login))).toBe(true);
    await call((done) => store().set(live, sessionAt(login, login), done));
    expect(await getSession(store(), live)).toMatchObject({
      userId: 'u1',
      handle: 'h1',
      authenticatedAt: login,
      lastSeenAt: login,
    });
    const seen = Date.now();
    expect(createsRecord(sessionAt(login, seen))).toBe(false);
    await call((done) => store().set(live, sessionAt(login, seen), done));
    expect((await getSession(store(), live))?.lastSeenAt).toBe(seen);
  });

  it('never recreates a session that was destroyed while a request was in flight on it', async () => {
    const ended = sid('ended');
    const login = Date.now() - 60_000;
    await call((done) => store().set(ended, sessionAt(login, login), done));
    await call((done) => store().destroy(ended, done));
    // The keep-alive write of a request that loaded the session before it was ended.
    await call((done) => store().set(ended, sessionAt(login, Date.now()), done));
    expect(await getSession(store(), ended)).toBeNull();
  });

  it('never creates a session from a keep-alive write alone', async () => {
    const never = sid('never-logged-in');
    const login = Date.now() - 60_000;
    await call((done) => store().set(never, sessionAt(login, Date.now()), done));
    expect(await getSession(store(), never)).toBeNull();
  });
}
