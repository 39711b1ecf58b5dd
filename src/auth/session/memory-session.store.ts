import session, { SessionData } from 'express-session';
import createMemoryStore from 'memorystore';
import { createsRecord } from './session-data';

const MemoryStore = createMemoryStore(session);

/** memorystore's cache of sessions (lru-cache); `has` is false for an expired entry. */
interface SessionCache {
  has(sid: string): boolean;
}

/**
 * memorystore's cache, which it keeps in the instance's `store` property (set once, in its
 * constructor) and its typings do not declare. Checked when the store is built: a memorystore
 * that keeps it elsewhere fails at start-up, not on the first keep-alive.
 */
function sessionCacheOf(store: object): SessionCache {
  const cache: unknown = 'store' in store ? store.store : undefined;
  if (isSessionCache(cache)) return cache;
  throw new Error('memorystore keeps no session cache with has() in `store`: MemorySessionStore needs updating');
}

function isSessionCache(value: unknown): value is SessionCache {
  return typeof value === 'object' && value !== null && 'has' in value && typeof value.has === 'function';
}

/**
 * memorystore (development), with the rule of RedisSessionStore: only the login's write may
 * create a session; a later write for a session that was ended meanwhile is dropped. The
 * check and the write happen in one synchronous step, so nothing can come in between.
 */
export class MemorySessionStore extends MemoryStore {
  private readonly cache: SessionCache;

  constructor(ttlOf: (session: SessionData) => number) {
    super({ checkPeriod: 60_000, ttl: (_options: unknown, sess: SessionData) => ttlOf(sess) * 1000 });
    this.cache = sessionCacheOf(this);
  }

  override set(sid: string, session: SessionData, done?: (error?: unknown) => void): void {
    if (createsRecord(session) || this.cache.has(sid)) return super.set(sid, session, done);
    if (done) setImmediate(done);
  }
}
