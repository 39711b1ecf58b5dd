import session, { SessionData } from 'express-session';
import createMemoryStore from 'memorystore';
import { createsRecord } from './session-data';

const MemoryStore = createMemoryStore(session);

/** memorystore's cache of sessions (lru-cache); `has` is false for an expired entry. */
interface SessionCache {
  has(sid: string): boolean;
}

/**
 * memorystore (development), with the rule of RedisSessionStore: only the login's write may
 * create a session; a later write for a session that was ended meanwhile is dropped. The
 * check and the write happen in one synchronous step, so nothing can come in between.
 */
export class MemorySessionStore extends MemoryStore {
  constructor(ttlOf: (session: SessionData) => number) {
    super({ checkPeriod: 60_000, ttl: (_options: unknown, sess: SessionData) => ttlOf(sess) * 1000 });
  }

  override set(sid: string, session: SessionData, done?: (error?: unknown) => void): void {
    const sessions = (this as unknown as { store: SessionCache }).store;
    if (createsRecord(session) || sessions.has(sid)) return super.set(sid, session, done);
    if (done) setImmediate(done);
  }
}
