import { Logger } from '@nestjs/common';
import type { SessionData, Store } from 'express-session';
import type { AppConfig } from '../../config/config.schema';
import type { MongoReadiness } from '../../database/mongo-readiness';
import type { RedisClient } from '../../redis/redis.client';
import type { RedisWrites } from '../../redis/redis-writes';
import { MemorySessionStore } from './memory-session.store';
import { MongoSessionStore } from './mongo-session.store';
import { RedisSessionStore } from './redis-session.store';
import { baseCookieOptions } from './session-cookie';
import { sessionTtlSeconds } from './session-data';
import { createSessionSerializer } from './session-serializer';

/** What a Redis session store is built from: the shared client and its confirmed writes. */
export interface SessionRedis {
  client?: RedisClient;
  writes?: RedisWrites;
}

/** The express-session store named by SESSION_STORE. */
export function createSessionStore(config: AppConfig, redis: SessionRedis, mongo?: MongoReadiness): Store {
  const { idleTtl, absoluteTtl } = config.session;
  const ttl = (sess: SessionData) => sessionTtlSeconds(sess, idleTtl, absoluteTtl);

  switch (config.sessionStore) {
    case 'redis':
      if (!redis.client || !redis.writes) throw new Error('SESSION_STORE=redis needs a Redis client');
      return new RedisSessionStore(
        redis.client,
        redis.writes,
        ttl,
        createSessionSerializer(baseCookieOptions(config.cookie), idleTtl),
      );
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
    case 'memory':
      new Logger('Session').warn('Sessions are kept in process memory: development only, lost on restart');
      return new MemorySessionStore(ttl);
  }
}
