import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import session, { SessionData, Store } from 'express-session';
import type Redis from 'ioredis';
import createMemoryStore from 'memorystore';
import type { AppConfig } from '../../config/config.schema';
import type { MongoReadiness } from '../../database/mongo-readiness';
import { MongoSessionStore } from './mongo-session.store';
import { baseCookieOptions } from './session-cookie';
import { sessionTtlSeconds } from './session-data';
import { createSessionSerializer } from './session-serializer';

export const SESSION_KEY_PREFIX = 'sess:';

/** The express-session store named by SESSION_STORE. */
export function createSessionStore(config: AppConfig, redis?: Redis, mongo?: MongoReadiness): Store {
  const { idleTtl, absoluteTtl } = config.session;
  const ttl = (sess: SessionData) => sessionTtlSeconds(sess, idleTtl, absoluteTtl);

  switch (config.sessionStore) {
    case 'redis':
      if (!redis) throw new Error('SESSION_STORE=redis needs a Redis client');
      // No touch: an EXPIRE on every request would buy nothing the keep-alive write does not.
      return new RedisStore({
        client: redis,
        prefix: SESSION_KEY_PREFIX,
        ttl,
        disableTouch: true,
        serializer: createSessionSerializer(baseCookieOptions(config.cookie), idleTtl),
      });
    case 'mongo': {
      if (!mongo) throw new Error('SESSION_STORE=mongo needs a MongoDB connection');
      const store = new MongoSessionStore({
        clientPromise: mongo.connected.then((connection) => connection.getClient()),
        idleTtl,
        absoluteTtl,
      });
      // Start-up fails with one line if its TTL index cannot be built, instead of every session call later.
      mongo.afterConnect('session store', () => store.ready());
      return store;
    }
    case 'memory': {
      new Logger('Session').warn('Sessions are kept in process memory: development only, lost on restart');
      const MemoryStore = createMemoryStore(session);
      return new MemoryStore({ checkPeriod: 60_000, ttl: (_options: unknown, sess: SessionData) => ttl(sess) * 1000 });
    }
  }
}
