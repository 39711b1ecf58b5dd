import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { REDIS_URL } from '../../../test/support/app';
import { MemoryTokenStore } from './memory-token.store';
import { RedisTokenStore } from './redis-token.store';
import { FamilyMeta, TokenStore } from './token.store';

/** One contract, two adapters: the memory store always, the Redis store on the real Redis. */
function contract(name: string, makeStore: () => TokenStore) {
  describe(`TokenStore contract [${name}]`, () => {
    let store: TokenStore;
    const meta = (): FamilyMeta => ({
      userId: randomUUID(),
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
      userAgent: 'jest',
      ip: '127.0.0.1',
    });

    beforeEach(() => {
      store = makeStore();
    });

    it('rotates a family once per presented hash, then reports reuse', async () => {
      const family = randomUUID();
      const owner = meta();
      await store.createFamily(family, 'h1', owner, 60);
      expect(await store.familyOwner(family)).toBe(owner.userId);
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('rotated');
      expect(await store.rotate(family, 'h1', 'h3', 60)).toBe('reused');
      expect(await store.rotate(family, 'h2', 'h3', 60)).toBe('rotated');
    });

    it('knows nothing of an unknown or revoked family, and denies its access tokens', async () => {
      const family = randomUUID();
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('unknown');
      await store.createFamily(family, 'h1', meta(), 60);
      await store.revokeFamily(family, 60);
      expect(await store.rotate(family, 'h1', 'h2', 60)).toBe('unknown');
      expect(await store.familyOwner(family)).toBeNull();
      expect(await store.isDenied(randomUUID(), family)).toBe(true);
    });

    it('denies single access tokens until their expiry', async () => {
      const jti = randomUUID();
      const family = randomUUID();
      expect(await store.isDenied(jti, family)).toBe(false);
      await store.denyAccessToken(jti, 1);
      expect(await store.isDenied(jti, family)).toBe(true);
      expect(await store.isDenied(randomUUID(), family)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.isDenied(jti, family)).toBe(false);
    });

    it('lets exactly one of two concurrent rotations win', async () => {
      const family = randomUUID();
      await store.createFamily(family, 'h1', meta(), 60);
      const results = await Promise.all([store.rotate(family, 'h1', 'a', 60), store.rotate(family, 'h1', 'b', 60)]);
      expect(results.sort()).toEqual(['reused', 'rotated']);
    });
  });
}

contract('memory', () => new MemoryTokenStore());

describe('with Redis', () => {
  const redis = new Redis(REDIS_URL);
  afterAll(() => redis.quit());
  contract('redis', () => new RedisTokenStore(redis));

  it('stores only what it was given: hashes, never tokens, with a TTL', async () => {
    const family = randomUUID();
    await new RedisTokenStore(redis).createFamily(
      family,
      'hash-of-token',
      { userId: 'u', createdAt: 1, lastSeenAt: 1, userAgent: 'ua', ip: 'ip' },
      120,
    );
    expect(await redis.hgetall(`rt:fam:${family}`)).toEqual({
      hash: 'hash-of-token',
      userId: 'u',
      createdAt: '1',
      lastSeenAt: '1',
      userAgent: 'ua',
      ip: 'ip',
    });
    const ttl = await redis.ttl(`rt:fam:${family}`);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
