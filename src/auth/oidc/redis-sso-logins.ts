import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '../../redis/keys';
import { RedisClient } from '../../redis/redis.client';
import { redisCall } from '../../redis/redis-errors';
import { REDIS } from '../../redis/redis.module';
import { RedisWrites } from '../../redis/redis-writes';
import { SsoLogin, SsoLogins } from './sso-logins';

/**
 * SSO logins in Redis, seen by every instance: a hash per provider session (handle → user id)
 * and a set per user. The two keys are in different slots of a cluster, so each is written
 * and read on its own; a stale handle left in one of them only ever names an ended session.
 * Recording goes through RedisWrites (confirmed by REDIS_WRITE_REPLICAS when set), like the
 * login's session or family it records: a failover must not leave a live login that a later
 * back-channel logout cannot find.
 */
@Injectable()
export class RedisSsoLogins extends SsoLogins {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly writes: RedisWrites,
  ) {
    super();
  }

  async record(userId: string, providerSession: string | null, handles: string[], ttlSeconds: number): Promise<void> {
    if (handles.length === 0) return;
    const userKey = redisKeys.oidcUserLogins(userId);
    await this.writes.commit((tx) => tx.sadd(userKey, ...handles).expire(userKey, ttlSeconds));
    if (providerSession === null) return;
    const sessionKey = redisKeys.oidcProviderSession(providerSession);
    const fields = handles.flatMap((handle) => [handle, userId]);
    await this.writes.commit((tx) => tx.hset(sessionKey, ...fields).expire(sessionKey, ttlSeconds));
  }

  async takeByProviderSession(providerSession: string): Promise<SsoLogin[]> {
    const key = redisKeys.oidcProviderSession(providerSession);
    const [[, entries]] = (await redisCall(() => this.redis.multi().hgetall(key).del(key).exec())) as [
      [Error | null, Record<string, string>],
    ];
    const logins = Object.entries(entries ?? {}).map(([handle, userId]) => ({ userId, handle }));
    for (const { userId, handle } of logins) {
      await redisCall(() => this.redis.srem(redisKeys.oidcUserLogins(userId), handle));
    }
    return logins;
  }

  async takeByUser(userId: string): Promise<SsoLogin[]> {
    const key = redisKeys.oidcUserLogins(userId);
    const [[, handles]] = (await redisCall(() => this.redis.multi().smembers(key).del(key).exec())) as [
      [Error | null, string[]],
    ];
    return (handles ?? []).map((handle) => ({ userId, handle }));
  }
}
