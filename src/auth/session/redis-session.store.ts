import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { SESSION_PREFIX } from '../../redis/keys';
import type { RedisClient } from '../../redis/redis.client';
import type { RedisWrites } from '../../redis/redis-writes';
import { createsRecord } from './session-data';
import { createSessionSerializer } from './session-serializer';

type Callback = (error?: unknown) => void;

/**
 * connect-redis, with two rules added:
 *
 * - only the login's write may create a session record. Every later write (the keep-alive that
 *   moves the idle deadline) is `SET … XX`, so a request still in flight on a session that was
 *   ended meanwhile cannot write it back: ending wins;
 * - the login's write and every ending (destroy) go through RedisWrites, so that with
 *   REDIS_WRITE_REPLICAS a failover cannot undo a login or a logout the client was told about.
 *   A lost keep-alive only moves the idle deadline back: it is not confirmed.
 */
export class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly writes: RedisWrites,
    private readonly ttlOf: (session: SessionData) => number,
    serializer: ReturnType<typeof createSessionSerializer>,
  ) {
    // No touch: an EXPIRE on every request would buy nothing the keep-alive write does not.
    super({ client: redis, prefix: SESSION_PREFIX, ttl: ttlOf, disableTouch: true, serializer });
  }

  override async set(sid: string, session: SessionData, done?: Callback): Promise<void> {
    const key = this.prefix + sid;
    const value = this.serializer.stringify(session);
    const ttl = this.ttlOf(session);
    await settle(done, () =>
      createsRecord(session)
        ? this.writes.commit((tx) => tx.set(key, value, 'EX', ttl))
        : this.redis.set(key, value, 'EX', ttl, 'XX'),
    );
  }

  override async destroy(sid: string, done?: Callback): Promise<void> {
    await settle(done, () => this.writes.commit((tx) => tx.del(this.prefix + sid)));
  }
}

/** Runs `write` and reports to express-session's callback, as connect-redis does. */
async function settle(done: Callback | undefined, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
    done?.();
  } catch (error) {
    done?.(error);
  }
}
