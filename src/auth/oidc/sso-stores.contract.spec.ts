import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testRedisUrl } from '../../../test/support/private-redis';
import { StoreUnavailableError } from '../../common/store-unavailable.error';
import { redisKeys } from '../../redis/keys';
import { RedisWrites } from '../../redis/redis-writes';
import { MemoryOidcTicketStore } from './memory-oidc-ticket.store';
import { MemorySsoLogins } from './memory-sso-logins';
import { OidcTicketStore } from './oidc-ticket.store';
import { RedisOidcTicketStore } from './redis-oidc-ticket.store';
import { RedisSsoLogins } from './redis-sso-logins';
import { SsoLogins } from './sso-logins';

/** Calls at once in the concurrency cases: dozens, as requests would arrive. */
const CONCURRENT = 30;

/** One contract per port, two adapters each: memory always, Redis on this run's private server. */
function contract(name: string, makeTickets: () => OidcTicketStore, makeLogins: () => SsoLogins) {
  describe(`OidcTicketStore contract [${name}]`, () => {
    it('gives a ticket back once, then never again', async () => {
      const tickets = makeTickets();
      const key = `oidc:state:${randomUUID()}`;
      await tickets.put(key, '{"nonce":"n"}', 60);
      expect(await tickets.take(key)).toBe('{"nonce":"n"}');
      expect(await tickets.take(key)).toBeNull();
      expect(await tickets.take(`oidc:state:${randomUUID()}`)).toBeNull();
    });

    it(`gives it to exactly one of ${CONCURRENT} concurrent takers`, async () => {
      const tickets = makeTickets();
      const key = `oidc:code:${randomUUID()}`;
      await tickets.put(key, 'pair', 60);
      const taken = await Promise.all(Array.from({ length: CONCURRENT }, () => tickets.take(key)));
      expect(taken.filter((value) => value === 'pair')).toHaveLength(1);
      expect(taken.filter((value) => value === null)).toHaveLength(CONCURRENT - 1);
    });

    it(`stores a new ticket only where none is: of ${CONCURRENT} concurrent writers, one wins (a logout token's jti)`, async () => {
      const tickets = makeTickets();
      const key = `oidc:jti:${randomUUID()}`;
      const stored = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => tickets.putNew(key, `writer-${i}`, 60)),
      );
      expect(stored.filter(Boolean)).toHaveLength(1);
      expect(await tickets.putNew(key, 'late', 60)).toBe(false);
      expect(await tickets.take(key)).toBe(`writer-${stored.indexOf(true)}`);
      expect(await tickets.putNew(key, 'late', 60)).toBe(true);
    });

    it('forgets a ticket once its time is up', async () => {
      const tickets = makeTickets();
      const key = `oidc:code:${randomUUID()}`;
      await tickets.put(key, 'pair', 1);
      await new Promise((done) => setTimeout(done, 1100));
      expect(await tickets.take(key)).toBeNull();
    });
  });

  describe(`SsoLogins contract [${name}]`, () => {
    it('gives the handles of one provider session, only once, and takes them off their user too', async () => {
      const logins = makeLogins();
      const [ann, bob] = [randomUUID(), randomUUID()];
      const [sidA, sidB] = [randomUUID(), randomUUID()];
      await logins.record(ann, sidA, ['cookie-1', 'family-1'], 60);
      await logins.record(ann, sidB, ['cookie-2'], 60);
      await logins.record(bob, sidA, ['family-3'], 60);

      const ended = await logins.takeByProviderSession(sidA);
      expect(ended.sort((a, b) => a.handle.localeCompare(b.handle))).toEqual([
        { userId: ann, handle: 'cookie-1' },
        { userId: ann, handle: 'family-1' },
        { userId: bob, handle: 'family-3' },
      ]);
      expect(await logins.takeByProviderSession(sidA)).toEqual([]);
      expect(await logins.takeByUser(ann)).toEqual([{ userId: ann, handle: 'cookie-2' }]);
      expect(await logins.takeByUser(bob)).toEqual([]);
    });

    it("gives every SSO login of a user, with or without a provider session, and only that user's", async () => {
      const logins = makeLogins();
      const [ann, bob] = [randomUUID(), randomUUID()];
      await logins.record(ann, null, ['cookie-1'], 60);
      await logins.record(ann, randomUUID(), ['family-2'], 60);
      await logins.record(bob, null, ['cookie-3'], 60);
      const ended = await logins.takeByUser(ann);
      expect(ended.map((login) => login.handle).sort()).toEqual(['cookie-1', 'family-2']);
      expect(ended.every((login) => login.userId === ann)).toBe(true);
      expect(await logins.takeByUser(ann)).toEqual([]);
      expect(await logins.takeByUser(bob)).toEqual([{ userId: bob, handle: 'cookie-3' }]);
    });
  });
}

contract(
  'memory',
  () => new MemoryOidcTicketStore(),
  () => new MemorySsoLogins(),
);

describe('with Redis', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());
  contract(
    'redis',
    () => new RedisOidcTicketStore(redis),
    () => new RedisSsoLogins(redis, new RedisWrites(redis, 0, 0)),
  );

  it('records a login only once REDIS_WRITE_REPLICAS replicas have it (RedisWrites)', async () => {
    // This run's Redis has no replica: asked for one, the write is not confirmed, and the caller hears so.
    const unconfirmed = new RedisSsoLogins(redis, new RedisWrites(redis, 1, 50));
    await expect(unconfirmed.record(randomUUID(), randomUUID(), ['h'], 120)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it("keeps a user's SSO logins in the user's hash slot, with a TTL", async () => {
    const userId = randomUUID();
    await new RedisSsoLogins(redis, new RedisWrites(redis, 0, 0)).record(userId, randomUUID(), ['h'], 120);
    const key = redisKeys.oidcUserLogins(userId);
    expect(key).toContain(`{u:${userId}}`);
    expect(await redis.ttl(key)).toBeGreaterThan(100);
  });
});
