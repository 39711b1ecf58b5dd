import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '../../redis/keys';
import type { RedisClient } from '../../redis/redis.client';
import { redisCall } from '../../redis/redis-errors';
import { REDIS } from '../../redis/redis.module';

/** What the index keeps of a cookie session: where it lives and how to describe it. */
export interface IndexedSession {
  sid: string;
  createdAt: number;
  userAgent: string;
  ip: string;
}

/**
 * Per-user index of cookie sessions, keyed by a public handle (never the session id),
 * so a user's sessions can be listed and ended without scanning the store. Entries of
 * sessions that expired on their own are pruned when the list is read.
 */
export abstract class SessionIndex {
  abstract add(userId: string, handle: string, entry: IndexedSession, ttlSeconds: number): Promise<void>;
  abstract list(userId: string): Promise<Map<string, IndexedSession>>;
  abstract remove(userId: string, handles: string[]): Promise<void>;
}

const userKey = redisKeys.sessionIndex;

@Injectable()
export class RedisSessionIndex extends SessionIndex {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {
    super();
  }

  async add(userId: string, handle: string, entry: IndexedSession, ttlSeconds: number): Promise<void> {
    // The index lives as long as the longest session it can hold.
    await redisCall(() =>
      this.redis
        .multi()
        .hset(userKey(userId), handle, JSON.stringify(entry))
        .expire(userKey(userId), ttlSeconds, 'GT')
        .expire(userKey(userId), ttlSeconds, 'NX')
        .exec(),
    );
  }

  async list(userId: string): Promise<Map<string, IndexedSession>> {
    const raw = await redisCall(() => this.redis.hgetall(userKey(userId)));
    return new Map(Object.entries(raw).map(([handle, json]) => [handle, JSON.parse(json) as IndexedSession]));
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    if (handles.length > 0) await redisCall(() => this.redis.hdel(userKey(userId), ...handles));
  }
}

@Injectable()
export class MemorySessionIndex extends SessionIndex {
  private readonly byUser = new Map<string, Map<string, IndexedSession>>();

  async add(userId: string, handle: string, entry: IndexedSession): Promise<void> {
    const sessions = this.byUser.get(userId) ?? new Map<string, IndexedSession>();
    this.byUser.set(userId, sessions.set(handle, entry));
  }

  async list(userId: string): Promise<Map<string, IndexedSession>> {
    return new Map(this.byUser.get(userId));
  }

  async remove(userId: string, handles: string[]): Promise<void> {
    const sessions = this.byUser.get(userId);
    handles.forEach((handle) => sessions?.delete(handle));
  }
}
