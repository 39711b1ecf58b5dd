import { randomUUID } from 'node:crypto';
import type { SessionData } from 'express-session';
import Redis from 'ioredis';
import { SESSION_PREFIX } from '../../redis/keys';
import { RedisWrites } from '../../redis/redis-writes';
import { RedisSessionStore } from './redis-session.store';
import { createSessionSerializer } from './session-serializer';
import { asError, endingWinsContract, getSession, IDLE } from '../../../test/support/session-records';

/** RedisSessionStore on this run's private Redis (REDIS_URL, from the Jest globalSetup). */
describe('RedisSessionStore', () => {
  let redis: Redis;
  let store: RedisSessionStore;
  const sids: string[] = [];
  const sid = () => {
    const id = `spec-${randomUUID()}`;
    sids.push(id);
    return id;
  };
  // express-session's way: a callback, the returned promise ignored.
  const get = (id: string) => getSession(store, id);

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const serializer = createSessionSerializer({ httpOnly: true, secure: true, sameSite: 'lax', path: '/' }, IDLE);
    store = new RedisSessionStore(redis, new RedisWrites(redis, 0, 1000), () => IDLE, serializer);
  });
  afterAll(async () => {
    if (sids.length > 0) await redis.del(...sids.map((id) => SESSION_PREFIX + id));
    redis.disconnect();
  });

  endingWinsContract(() => store, sid);

  it('reads a session the store wrote', async () => {
    const id = sid();
    const login = Date.now();
    const expires = new Date(login + IDLE * 1000);
    const session: SessionData = {
      cookie: { originalMaxAge: IDLE * 1000, expires, httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
      userId: 'u1',
      handle: 'h1',
      roles: ['user'],
      authenticatedAt: login,
      lastSeenAt: login,
    };
    await new Promise<void>((resolve, reject) => {
      void store.set(id, session, (error) => (error ? reject(asError(error)) : resolve()));
    });
    expect(await get(id)).toEqual(session);
    expect(await store.get(id)).toEqual(session); // without a callback: the promise answers
  });

  it('answers null for a missing record', async () => {
    const id = sid();
    expect(await get(id)).toBeNull();
    expect(await store.get(id)).toBeNull();
  });

  it('answers null, not an error, for a record that is not a session', async () => {
    const id = sid();
    await redis.set(SESSION_PREFIX + id, JSON.stringify({ cookie: {}, userId: 'x' }));
    expect(await get(id)).toBeNull();
    expect(await store.get(id)).toBeNull();
  });
});
