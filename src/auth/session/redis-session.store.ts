import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { SESSION_PREFIX } from '../../redis/keys';
import type { RedisClient } from '../../redis/redis.client';
import type { RedisWrites } from '../../redis/redis-writes';
import { createsRecord } from './session-data';
import type { SessionSerializer } from './session-serializer';

type Callback = (error?: unknown) => void;
type GetCallback = (error: unknown, session?: SessionData | null) => unknown;

/**
 * connect-redis, with two rules added:
 *
 * - only the login's write may create a session record. Every later write (the keep-alive that
 *   moves the idle deadline) is `SET … XX`, so a request still in flight on a session that was
 *   ended meanwhile cannot write it back: ending wins;
 * - the login's write and every ending (destroy) go through RedisWrites, so that with
 *   REDIS_WRITE_REPLICAS a failover cannot undo a login or a logout the client was told about.
 *   A lost keep-alive only moves the idle deadline back: it is not confirmed.
 *
 * Records are written and read with a SessionSerializer, whose parse() answers null for a
 * record that is not a session. connect-redis's Serializer type has no such answer, so get()
 * is ours (connect-redis's own, with that parse) and connect-redis gets `forConnectRedis`.
 */
export class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly writes: RedisWrites,
    private readonly ttlOf: (session: SessionData) => number,
    private readonly codec: SessionSerializer,
  ) {
    // No touch: an EXPIRE on every request would buy nothing the keep-alive write does not.
    super({
      client: redis,
      prefix: SESSION_PREFIX,
      ttl: ttlOf,
      disableTouch: true,
      serializer: forConnectRedis(codec),
    });
  }

  /**
   * connect-redis's get(), reading with our parse(): a missing record and one that is not a
   * session both answer null (no session). Like connect-redis, it calls `done` when given, and
   * otherwise resolves with the session (or rejects).
   */
  override async get(sid: string, done?: GetCallback): Promise<unknown> {
    let session: SessionData | null;
    try {
      const raw = await this.client.get(this.prefix + sid);
      session = raw ? this.codec.parse(raw) : null;
    } catch (error) {
      if (done) return done(error, null);
      throw error;
    }
    // Outside the try: a callback that throws must not be called a second time with its own error.
    return done ? done(null, session) : session;
  }

  override async set(sid: string, session: SessionData, done?: Callback): Promise<void> {
    const key = this.prefix + sid;
    const value = this.codec.stringify(session);
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

/**
 * `codec` as connect-redis's Serializer, whose parse() must answer a session. connect-redis
 * reads with it only in get(), replaced above, and all(), which express-session never calls:
 * there a record that is not a session fails the call (before, all() failed setting `id` on the
 * null that parse() answered).
 */
function forConnectRedis(codec: SessionSerializer) {
  return {
    stringify: (session: SessionData): string => codec.stringify(session),
    parse(raw: string): SessionData {
      const session = codec.parse(raw);
      if (!session) throw new Error('A record under the session prefix is not a session');
      return session;
    },
  };
}
