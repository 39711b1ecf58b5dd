import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import MongoStore from 'connect-mongo';
import session, { SessionData, Store } from 'express-session';
import type Redis from 'ioredis';
import createMemoryStore from 'memorystore';
import type { Connection } from 'mongoose';
import type { AppConfig } from '../../config/config.schema';
import { sessionTtlSeconds } from './session-data';

export const SESSION_KEY_PREFIX = 'sess:';

/**
 * A record that is not a session (corrupted, or written by something else) reads as no
 * session at all: the request is unauthenticated (401), never a 500.
 */
export const serializer = {
  stringify: (session: SessionData): string => JSON.stringify(session),
  parse: (raw: string): SessionData => {
    try {
      const session = JSON.parse(raw) as unknown;
      if (isRecord(session) && isRecord(session.cookie)) return session as unknown as SessionData;
    } catch {
      // fall through
    }
    return null as unknown as SessionData; // connect-redis passes it on: "no session"
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The express-session store named by SESSION_STORE. */
export function createSessionStore(config: AppConfig, redis?: Redis, mongo?: Connection): Store {
  const { idleTtl, absoluteTtl } = config.session;
  const ttl = (sess: SessionData) => sessionTtlSeconds(sess, idleTtl, absoluteTtl);

  switch (config.sessionStore) {
    case 'redis':
      if (!redis) throw new Error('SESSION_STORE=redis needs a Redis client');
      // No touch: an EXPIRE on every request would buy nothing the keep-alive write does not.
      return new RedisStore({ client: redis, prefix: SESSION_KEY_PREFIX, ttl, disableTouch: true, serializer });
    case 'mongo':
      if (!mongo) throw new Error('SESSION_STORE=mongo needs a MongoDB connection');
      return MongoStore.create({
        client: mongo.getClient(),
        collectionName: 'sessions',
        ttl: idleTtl,
        stringify: false,
      });
    case 'memory': {
      new Logger('Session').warn('Sessions are kept in process memory: development only, lost on restart');
      const MemoryStore = createMemoryStore(session);
      return new MemoryStore({ checkPeriod: 60_000, ttl: (_options: unknown, sess: SessionData) => ttl(sess) * 1000 });
    }
  }
}
