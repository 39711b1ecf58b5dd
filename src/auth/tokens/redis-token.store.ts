import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../../redis/redis.module';
import { FamilyMeta, RotationResult, TokenStore } from './token.store';

const familyKey = (familyId: string) => `rt:fam:${familyId}`;
const userFamiliesKey = (userId: string) => `rt:user:${userId}`;
const deniedTokenKey = (jti: string) => `deny:jti:${jti}`;
const deniedFamilyKey = (familyId: string) => `deny:fam:${familyId}`;

/** Compare-and-swap of the family's hash, so two concurrent refreshes cannot both win. */
const ROTATE = `
local current = redis.call('HGET', KEYS[1], 'hash')
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'lastSeenAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

type RotatingRedis = Redis & {
  rotateRefresh(key: string, presented: string, next: string, ttl: number, now: number): Promise<number>;
};

@Injectable()
export class RedisTokenStore extends TokenStore {
  private readonly redis: RotatingRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    super();
    redis.defineCommand('rotateRefresh', { numberOfKeys: 1, lua: ROTATE });
    this.redis = redis as RotatingRedis;
  }

  async createFamily(familyId: string, tokenHash: string, meta: FamilyMeta, ttlSeconds: number): Promise<void> {
    await this.redis
      .multi()
      .hset(familyKey(familyId), { hash: tokenHash, ...meta })
      .expire(familyKey(familyId), ttlSeconds)
      .sadd(userFamiliesKey(meta.userId), familyId)
      .expire(userFamiliesKey(meta.userId), ttlSeconds)
      .exec();
  }

  async rotate(familyId: string, presentedHash: string, nextHash: string, ttlSeconds: number): Promise<RotationResult> {
    const result = await this.redis.rotateRefresh(familyKey(familyId), presentedHash, nextHash, ttlSeconds, Date.now());
    return result === 1 ? 'rotated' : result === 0 ? 'reused' : 'unknown';
  }

  async revokeFamily(familyId: string, accessTtlSeconds: number): Promise<void> {
    const owner = await this.familyOwner(familyId);
    const tx = this.redis.multi().del(familyKey(familyId)).set(deniedFamilyKey(familyId), '1', 'EX', accessTtlSeconds);
    if (owner) tx.srem(userFamiliesKey(owner), familyId);
    await tx.exec();
  }

  familyOwner(familyId: string): Promise<string | null> {
    return this.redis.hget(familyKey(familyId), 'userId');
  }

  async listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>> {
    const familyIds = await this.redis.smembers(userFamiliesKey(userId));
    if (familyIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    familyIds.forEach((familyId) => pipeline.hgetall(familyKey(familyId)));
    const records = ((await pipeline.exec()) ?? []).map(([, value]) => value as Record<string, string>);
    const live = familyIds
      .map((familyId, i) => ({ familyId, record: records[i] }))
      .filter(({ record }) => record && record.userId === userId);
    const expired = familyIds.filter((familyId) => !live.some((family) => family.familyId === familyId));
    if (expired.length > 0) await this.redis.srem(userFamiliesKey(userId), ...expired);
    return live.map(({ familyId, record }) => ({
      familyId,
      meta: {
        userId,
        createdAt: Number(record.createdAt),
        lastSeenAt: Number(record.lastSeenAt),
        userAgent: record.userAgent,
        ip: record.ip,
      },
    }));
  }

  async denyAccessToken(jti: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(deniedTokenKey(jti), '1', 'EX', Math.max(1, ttlSeconds));
  }

  async isDenied(jti: string, familyId: string): Promise<boolean> {
    const [token, family] = await this.redis.mget(deniedTokenKey(jti), deniedFamilyKey(familyId));
    return token !== null || family !== null;
  }
}
