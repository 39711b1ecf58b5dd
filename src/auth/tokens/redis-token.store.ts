import { Inject, Injectable } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import { redisKeys } from '../../redis/keys';
import { RedisClient } from '../../redis/redis.client';
import { redisCall, toRedisError } from '../../redis/redis-errors';
import { RedisWrites } from '../../redis/redis-writes';
import { REDIS } from '../../redis/redis.module';
import { FamilyMeta, FamilyRef, RotationResult, TokenStore } from './token.store';

/**
 * The index of a user's families lives at least as long as the longest of them: EXPIRE GT
 * lengthens it, NX gives a new index its first TTL.
 */
const EXTEND_INDEX = `
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[1], 'GT')
redis.call('EXPIRE', KEYS[2], ARGV[1], 'NX')`;

/** Compare-and-swap of the family's hash, so two concurrent refreshes cannot both win. */
const ROTATE = `
local current = redis.call('HGET', KEYS[1], 'hash')
if not current then return -1 end
if current ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'hash', ARGV[4], 'lastSeenAt', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
${EXTEND_INDEX}
return 1`;

/** Creates the family and indexes it, in one step. */
const CREATE = `
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
${EXTEND_INDEX}`;

/** The scripts, as ioredis defines them on the client and its pipelines (defineCommand). */
type TokenCommands = ChainableCommander & {
  rotateRefresh(
    family: string,
    index: string,
    ttl: number,
    familyId: string,
    presented: string,
    next: string,
    now: number,
  ): ChainableCommander;
  createRefreshFamily(
    family: string,
    index: string,
    ttl: number,
    familyId: string,
    ...fields: string[]
  ): ChainableCommander;
};

/**
 * Refresh families and the denylist in Redis. Every write that starts, rotates or ends
 * something goes through RedisWrites (a transaction, confirmed by REDIS_WRITE_REPLICAS replicas
 * when set), so that a failover cannot undo what a client was told; reads are plain commands.
 * Every key of one call carries the user's hash tag: one slot of a cluster.
 */

@Injectable()
export class RedisTokenStore extends TokenStore {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly writes: RedisWrites,
  ) {
    super();
    redis.defineCommand('rotateRefresh', { numberOfKeys: 2, lua: ROTATE });
    redis.defineCommand('createRefreshFamily', { numberOfKeys: 2, lua: CREATE });
  }

  async createFamily({ userId, familyId }: FamilyRef, tokenHash: string, meta: FamilyMeta, ttl: number): Promise<void> {
    const fields = { hash: tokenHash, ...meta };
    await this.writes.commit((tx) =>
      (tx as TokenCommands).createRefreshFamily(
        redisKeys.refreshFamily(userId, familyId),
        redisKeys.refreshFamilies(userId),
        ttl,
        familyId,
        ...Object.entries(fields).flatMap(([name, value]) => [name, String(value)]),
      ),
    );
  }

  async rotate(
    { userId, familyId }: FamilyRef,
    presentedHash: string,
    nextHash: string,
    ttl: number,
  ): Promise<RotationResult> {
    // Not confirmed by the replicas in time is a 503 although the master rotated: the client,
    // which never saw the new token, is then logged out at its next refresh (README, "Redis topologies").
    const [result] = await this.writes.commit((tx) =>
      (tx as TokenCommands).rotateRefresh(
        redisKeys.refreshFamily(userId, familyId),
        redisKeys.refreshFamilies(userId),
        ttl,
        familyId,
        presentedHash,
        nextHash,
        Date.now(),
      ),
    );
    return result === 1 ? 'rotated' : result === 0 ? 'reused' : 'unknown';
  }

  async revokeFamily({ userId, familyId }: FamilyRef, accessTtlSeconds: number): Promise<void> {
    await this.writes.commit((tx) =>
      tx
        .del(redisKeys.refreshFamily(userId, familyId))
        .srem(redisKeys.refreshFamilies(userId), familyId)
        .set(redisKeys.deniedFamily(userId, familyId), '1', 'EX', accessTtlSeconds),
    );
  }

  async hasFamily({ userId, familyId }: FamilyRef): Promise<boolean> {
    return (await redisCall(() => this.redis.exists(redisKeys.refreshFamily(userId, familyId)))) === 1;
  }

  async listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>> {
    const familyIds = await redisCall(() => this.redis.smembers(redisKeys.refreshFamilies(userId)));
    if (familyIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    familyIds.forEach((familyId) => pipeline.hgetall(redisKeys.refreshFamily(userId, familyId)));
    const replies = (await redisCall(() => pipeline.exec())) ?? [];
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed) throw toRedisError(failed);
    const records = replies.map(([, value]) => value as Record<string, string>);
    const live = familyIds
      .map((familyId, i) => ({ familyId, record: records[i] }))
      .filter(({ record }) => record?.hash !== undefined);
    const expired = familyIds.filter((familyId) => !live.some((family) => family.familyId === familyId));
    if (expired.length > 0) await redisCall(() => this.redis.srem(redisKeys.refreshFamilies(userId), ...expired));
    return live.map(({ familyId, record }) => ({
      familyId,
      meta: {
        createdAt: Number(record.createdAt),
        lastSeenAt: Number(record.lastSeenAt),
        userAgent: record.userAgent,
        ip: record.ip,
      },
    }));
  }

  async denyAccessToken(userId: string, jti: string, ttlSeconds: number): Promise<void> {
    await this.writes.commit((tx) =>
      tx.set(redisKeys.deniedAccessToken(userId, jti), '1', 'EX', Math.max(1, ttlSeconds)),
    );
  }

  async isDenied(userId: string, jti: string, familyId: string): Promise<boolean> {
    const [token, family] = await redisCall(() =>
      this.redis.mget(redisKeys.deniedAccessToken(userId, jti), redisKeys.deniedFamily(userId, familyId)),
    );
    return token !== null || family !== null;
  }
}
