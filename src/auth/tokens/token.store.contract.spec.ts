import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testRedisUrl } from '../../../test/support/private-redis';
import { redisKeys } from '../../redis/keys';
import { RedisWrites } from '../../redis/redis-writes';
import { MemoryTokenStore } from './memory-token.store';
import { RedisTokenStore } from './redis-token.store';
import { FamilyMeta, FamilyRef, TokenStore } from './token.store';

const meta = (): FamilyMeta => ({ createdAt: Date.now(), lastSeenAt: Date.now(), userAgent: 'jest', ip: '127.0.0.1' });
const newFamily = (userId = randomUUID()): FamilyRef => ({ userId, familyId: randomUUID() });

/** One contract, two adapters: the memory store always, the Redis store on the real Redis. */
function contract(name: string, makeStore: () => TokenStore) {
  describe(`TokenStore contract [${name}]`, () => {
    let store: TokenStore;

    beforeEach(() => {
      store = makeStore();
    });

    it('rotates a family once per presented hash, then reports reuse', async () => {
      const family = newFamily();
      await store.createFamily(family, 'h1', meta(), 60);
      expect(await store.hasFamily(family)).toBe(true);
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('rotated');
      expect(await store.rotate(family, 'h1', 'h3', 60)).toBe('reused');
      expect(await store.rotate(family, 'h2', 'h3', 60)).toBe('rotated');
    });

    it("knows a family only under its own user's name", async () => {
      const family = newFamily();
      await store.createFamily(family, 'h1', meta(), 60);
      const stranger = { userId: randomUUID(), familyId: family.familyId };
      expect(await store.hasFamily(stranger)).toBe(false);
      expect(await store.rotate(stranger, 'h1', 'h2', 60)).toBe('unknown');
      expect(await store.listFamilies(stranger.userId)).toEqual([]);
    });

    it('knows nothing of an unknown or revoked family, and denies its access tokens', async () => {
      const family = newFamily();
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('unknown');
      await store.createFamily(family, 'h1', meta(), 60);
      await store.revokeFamily(family, 60);
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('unknown');
      expect(await store.hasFamily(family)).toBe(false);
      expect(await store.listFamilies(family.userId)).toEqual([]);
      expect(await store.isDenied(family.userId, randomUUID(), family.familyId)).toBe(true);
    });

    it('denies single access tokens until their expiry', async () => {
      const { userId, familyId } = newFamily();
      const jti = randomUUID();
      expect(await store.isDenied(userId, jti, familyId)).toBe(false);
      await store.denyAccessToken(userId, jti, 1);
      expect(await store.isDenied(userId, jti, familyId)).toBe(true);
      expect(await store.isDenied(userId, randomUUID(), familyId)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.isDenied(userId, jti, familyId)).toBe(false);
    });

    it('lets exactly one of 40 concurrent rotations of the same token win', async () => {
      const family = newFamily();
      await store.createFamily(family, 'h1', meta(), 60);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.rotate(family, 'h1', `next-${i}`, 60)),
      );
      expect(results.filter((result) => result === 'rotated')).toHaveLength(1);
      expect(results.filter((result) => result === 'reused')).toHaveLength(39);
    });

    it('lists every live family of the user, with what it records', async () => {
      const userId = randomUUID();
      const families = [newFamily(userId), newFamily(userId), newFamily(userId)];
      for (const family of families) await store.createFamily(family, 'h', meta(), 60);
      await store.revokeFamily(families[1], 60);
      const listed = await store.listFamilies(userId);
      expect(listed.map((family) => family.familyId).sort()).toEqual(
        [families[0].familyId, families[2].familyId].sort(),
      );
      expect(listed[0].meta).toEqual({
        createdAt: expect.any(Number) as number,
        lastSeenAt: expect.any(Number) as number,
        userAgent: 'jest',
        ip: '127.0.0.1',
      });
    });
  });
}

contract('memory', () => new MemoryTokenStore());

describe('with Redis', () => {
  const redis = new Redis(testRedisUrl());
  const redisStore = () => new RedisTokenStore(redis, new RedisWrites(redis, 0, 1000));
  afterAll(() => redis.quit());
  contract('redis', redisStore);

  it('stores only what it was given: hashes, never tokens, with a TTL, in one hash slot per user', async () => {
    const family = newFamily();
    await redisStore().createFamily(
      family,
      'hash-of-token',
      { createdAt: 1, lastSeenAt: 1, userAgent: 'ua', ip: 'ip' },
      120,
    );
    const key = redisKeys.refreshFamily(family.userId, family.familyId);
    expect(key).toContain(`{u:${family.userId}}`);
    expect(redisKeys.refreshFamilies(family.userId)).toContain(`{u:${family.userId}}`);
    expect(await redis.hgetall(key)).toEqual({
      hash: 'hash-of-token',
      createdAt: '1',
      lastSeenAt: '1',
      userAgent: 'ua',
      ip: 'ip',
    });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it("keeps the user's index alive at least as long as any family in it, however the TTLs go", async () => {
    const store = redisStore();
    const userId = randomUUID();
    const index = redisKeys.refreshFamilies(userId);
    const long = newFamily(userId);
    const short = newFamily(userId);
    await store.createFamily(long, 'h', meta(), 600);
    await store.createFamily(short, 'h', meta(), 30);
    // A second, shorter login never shortens the index.
    expect(await redis.ttl(index)).toBeGreaterThan(590);
    // Rotation lengthens both the family and the index.
    expect(await store.rotate(short, 'h', 'h2', 3600)).toBe('rotated');
    expect(await redis.ttl(index)).toBeGreaterThan(3590);
    expect(await redis.ttl(redisKeys.refreshFamily(userId, short.familyId))).toBeGreaterThan(3590);
  });

  it('puts a live family back in an index that lost it, when the family rotates', async () => {
    const store = redisStore();
    const family = newFamily();
    await store.createFamily(family, 'h', meta(), 600);
    await redis.del(redisKeys.refreshFamilies(family.userId)); // as an index written before this rule would have expired
    expect(await store.rotate(family, 'h', 'h2', 600)).toBe('rotated');
    expect((await store.listFamilies(family.userId)).map((f) => f.familyId)).toEqual([family.familyId]);
    expect(await redis.ttl(redisKeys.refreshFamilies(family.userId))).toBeGreaterThan(590);
  });
});
