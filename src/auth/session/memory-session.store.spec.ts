import { SessionData } from 'express-session';
import { MemorySessionStore } from './memory-session.store';
import { createsRecord } from './session-data';
import { asError, call, IDLE, sessionAt } from '../../../test/support/session-records';

/*
 * The rule of the Redis and MongoDB stores (API.md, "Ending wins"): only the login's write creates
 * a record; a keep-alive write for a session that was ended meanwhile is dropped.
 */
describe('MemorySessionStore', () => {
  let store: MemorySessionStore;
  const get = (sid: string) =>
    new Promise<SessionData | null | undefined>((resolve, reject) =>
      store.get(sid, (error: unknown, found?: SessionData | null) => (error ? reject(asError(error)) : resolve(found))),
    );

  beforeEach(() => {
    store = new MemorySessionStore(() => IDLE);
  });
  // memorystore prunes expired entries on a timer: stop it, or Jest waits for it.
  afterEach(() => store.stopInterval());

  it('stores the login and keeps it alive', async () => {
    const login = Date.now() - 60_000;
    expect(createsRecord(sessionAt(login, login))).toBe(true);
    await call((done) => store.set('live', sessionAt(login, login), done));
    expect(await get('live')).toMatchObject({ userId: 'u1', handle: 'h1', authenticatedAt: login, lastSeenAt: login });

    const seen = Date.now();
    expect(createsRecord(sessionAt(login, seen))).toBe(false);
    await call((done) => store.set('live', sessionAt(login, seen), done));
    expect((await get('live'))?.lastSeenAt).toBe(seen);
  });

  it('never recreates a session that was destroyed while a request was in flight on it', async () => {
    const login = Date.now() - 60_000;
    await call((done) => store.set('ended', sessionAt(login, login), done));
    await call((done) => store.destroy('ended', done));
    // The keep-alive write of a request that loaded the session before it was ended.
    await call((done) => store.set('ended', sessionAt(login, Date.now()), done));
    expect(await get('ended')).toBeUndefined();
  });

  it('never creates a session from a keep-alive write alone', async () => {
    const login = Date.now() - 60_000;
    await call((done) => store.set('never-logged-in', sessionAt(login, Date.now()), done));
    expect(await get('never-logged-in')).toBeUndefined();
  });
});
