import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import type Redis from 'ioredis';
import { SESSION_PREFIX } from '../../redis/keys';
import { createsRecord } from './session-data';
import { createSessionSerializer } from './session-serializer';

type Callback = (error?: unknown) => void;

/**
 * connect-redis, with one rule added: only the login's write may create a session record.
 * Every later write (the keep-alive that moves the idle deadline) is `SET … XX`, so a request
 * still in flight on a session that was ended meanwhile cannot write it back: ending wins.
 */
export class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlOf: (session: SessionData) => number,
    serializer: ReturnType<typeof createSessionSerializer>,
  ) {
    // No touch: an EXPIRE on every request would buy nothing the keep-alive write does not.
    super({ client: redis, prefix: SESSION_PREFIX, ttl: ttlOf, disableTouch: true, serializer });
  }

  override async set(sid: string, session: SessionData, done?: Callback): Promise<void> {
    if (createsRecord(session)) {
      await super.set(sid, session, done);
      return;
    }
    try {
      await this.redis.set(this.prefix + sid, this.serializer.stringify(session), 'EX', this.ttlOf(session), 'XX');
      done?.();
    } catch (error) {
      done?.(error);
    }
  }
}
