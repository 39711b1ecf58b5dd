import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import request from 'supertest';
import { PasswordHasher } from '../src/auth/password-hasher';
import { redisKeys, SESSION_PREFIX } from '../src/redis/keys';
import { startApp, STRATEGY, TestApp, testRedis, usesSessions, usesTokens } from './support/app';
import { Burst, cookiesOf, Reply, statusCounts } from './support/burst';
import { CREDENTIALS, PASSWORD, uniqueEmail, uniqueIp } from './support/client';
import { decodeJwt } from './support/jwt';
import { sleep } from './support/server-process';

/**
 * Shared auth state under concurrency (API.md, "Rules every mode keeps"): limits that dozens
 * of simultaneous requests cannot get past, sessions that stay ended, refresh families that
 * revocation always reaches and that end. Every burst goes out on warm keep-alive
 * connections against the real Redis, so the requests reach the server together.
 */

const CONNECTIONS = 50;

async function register(t: TestApp, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  const res = await request(t.http).post('/auth/register').send({ email, password }).expect(201);
  return (res.body as { id: string }).id;
}

function expectRetryAfter(replies: Reply[]): void {
  for (const reply of replies) {
    expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
  }
}

describe(`auth state under concurrency (${STRATEGY} mode)`, () => {
  let redis: Redis | Cluster;
  beforeAll(() => {
    redis = testRedis();
  });
  afterAll(() => redis.quit());

  describe('login limits hold however many guesses arrive at once (LOGIN_MAX_ATTEMPTS=5)', () => {
    let t: TestApp;
    let burst: Burst;
    beforeAll(async () => {
      t = await startApp({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_MAX_ATTEMPTS_PER_IP: '10' });
      burst = await Burst.open(t.app, CONNECTIONS);
    });
    afterAll(async () => {
      burst.close();
      await t.close();
    });

    it('judges at most 5 of 50 simultaneous logins for one email (49 wrong, 1 right); the rest get 429', async () => {
      const email = uniqueEmail('target');
      await register(t, email);
      const ip = uniqueIp();
      const replies = await burst.all(
        Array.from({ length: 50 }, (_, i) => ({
          method: 'POST',
          // A fresh address each: only the per-email limit stands in the way.
          headers: { 'x-forwarded-for': i === 0 ? ip : uniqueIp() },
          path: '/auth/login',
          body: { email, password: i === 25 ? PASSWORD : `wrong password ${i}` },
        })),
      );
      const counts = statusCounts(replies);
      expect(Object.keys(counts).sort()).toEqual(expect.arrayContaining(['429']));
      expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
      expect((counts[401] ?? 0) + (counts[200] ?? 0) + (counts[429] ?? 0)).toBe(50);
      expectRetryAfter(replies.filter((reply) => reply.status === 429));
    });

    it('judges at most LOGIN_MAX_ATTEMPTS_PER_IP=10 of 40 simultaneous guesses from one IP at 40 emails', async () => {
      const ip = uniqueIp();
      const replies = await burst.all(
        Array.from({ length: 40 }, () => ({
          method: 'POST',
          path: '/auth/login',
          headers: { 'x-forwarded-for': ip },
          body: { email: uniqueEmail('nobody'), password: 'wrong password' },
        })),
      );
      expect(statusCounts(replies)).toEqual({ 401: 10, 429: 30 });
      expectRetryAfter(replies.filter((reply) => reply.status === 429));
    });

    it('locks out the email, not everyone behind the same address (an office NAT)', async () => {
      const office = uniqueIp();
      const typo = uniqueEmail('typo');
      const colleague = uniqueEmail('colleague');
      await register(t, typo);
      await register(t, colleague);
      const guesses = Array.from({ length: 5 }, () => ({
        method: 'POST',
        path: '/auth/login',
        headers: { 'x-forwarded-for': office },
        body: { email: typo, password: 'wrong password' },
      }));
      expect(statusCounts(await burst.all(guesses))).toEqual({ 401: 5 });
      // That email is locked, even with its right password…
      const locked = await burst.send({ ...guesses[0], body: { email: typo, password: PASSWORD } });
      expect(locked.status).toBe(429);
      // …but a colleague behind the same address logs in.
      await burst.login(colleague, CREDENTIALS[0], PASSWORD, office);
    });

    it('judges at most 5 of 40 simultaneous wrong current passwords on POST /auth/password', async () => {
      const email = uniqueEmail('owner');
      await register(t, email);
      const { headers } = await burst.login(email, CREDENTIALS[0], PASSWORD, uniqueIp());
      const newPassword = 'the password an attacker wants';
      const replies = await burst.all(
        Array.from({ length: 40 }, (_, i) => ({
          method: 'POST',
          path: '/auth/password',
          headers,
          body: { currentPassword: i === 39 ? PASSWORD : `guess number ${i}`, newPassword },
        })),
      );
      const counts = statusCounts(replies);
      expect(counts[403] ?? 0).toBeLessThanOrEqual(5);
      expect((counts[403] ?? 0) + (counts[204] ?? 0)).toBeLessThanOrEqual(6);
      expect(counts[429]).toBeGreaterThanOrEqual(34);
      expectRetryAfter(replies.filter((reply) => reply.status === 429));
    });
  });

  describe('registration is limited per IP and password hashing is bounded', () => {
    it('lets REGISTER_MAX_PER_IP=10 of 40 simultaneous registrations from one IP through; the rest get 429', async () => {
      const t = await startApp({ REGISTER_MAX_PER_IP: '10' });
      const burst = await Burst.open(t.app, CONNECTIONS);
      try {
        const ip = uniqueIp();
        const emails = Array.from({ length: 40 }, () => uniqueEmail('signup'));
        const replies = await burst.all(
          emails.map((email) => ({
            method: 'POST',
            path: '/auth/register',
            headers: { 'x-forwarded-for': ip },
            body: { email, password: PASSWORD },
          })),
        );
        expect(statusCounts(replies)).toEqual({ 201: 10, 429: 30 });
        expectRetryAfter(replies.filter((reply) => reply.status === 429));
        // Spent, the address learns nothing more: a taken email is a 429 too, not the 409 that would say it is taken.
        const taken = emails.find((_, i) => replies[i].status === 201)!;
        const probe = await burst.send({
          method: 'POST',
          path: '/auth/register',
          headers: { 'x-forwarded-for': ip },
          body: { email: taken, password: PASSWORD },
        });
        expect(probe.status).toBe(429);
        expectRetryAfter([probe]);
        // Nothing half-done: a refused email is free for its owner, from another address.
        const refused = emails.find((_, i) => replies[i].status === 429)!;
        const retry = await burst.send({
          method: 'POST',
          path: '/auth/register',
          headers: { 'x-forwarded-for': uniqueIp() },
          body: { email: refused, password: PASSWORD },
        });
        expect(retry.status).toBe(201);
      } finally {
        burst.close();
        await t.close();
      }
    });

    it('answers 503 with Retry-After past the hashing queue, never a 500, and loses no account it confirmed', async () => {
      const t = await startApp({ PASSWORD_HASH_QUEUE: '2' });
      const burst = await Burst.open(t.app, CONNECTIONS);
      try {
        const emails = Array.from({ length: 50 }, () => uniqueEmail('burst'));
        const replies = await burst.all(
          emails.map((email) => ({ method: 'POST', path: '/auth/register', body: { email, password: PASSWORD } })),
        );
        const counts = statusCounts(replies);
        expect(Object.keys(counts).sort()).toEqual(['201', '503']);
        // 4 hash at once and 2 may wait: the rest of 50 simultaneous requests are refused at once.
        expect(counts[201]).toBeGreaterThanOrEqual(6);
        expectRetryAfter(replies.filter((reply) => reply.status === 503));
        for (const [i, email] of emails.entries()) {
          const again = await burst.send({
            method: 'POST',
            path: '/auth/register',
            body: { email, password: PASSWORD },
          });
          // Confirmed accounts exist (409); refused ones were never created (201 now).
          expect(again.status).toBe(replies[i].status === 201 ? 409 : 201);
        }
      } finally {
        burst.close();
        await t.close();
      }
    });
  });

  // Cookie sessions exist in `session` and `both` modes only.
  if (usesSessions) {
    describe('an ended cookie session never comes back', () => {
      let t: TestApp;
      let burst: Burst;
      beforeAll(async () => {
        // Keep-alive interval 1 s: a request a second after the last one moves the idle deadline.
        t = await startApp({ SESSION_IDLE_TTL: '10' });
        burst = await Burst.open(t.app, CONNECTIONS);
      });
      afterAll(async () => {
        burst.close();
        await t.close();
      });

      /**
       * Holds the password check of `guess` until release(): the request that makes it stays in
       * flight, past its authentication (the session loaded, its keep-alive write due), for as
       * long as the test needs. What busy argon2 threads do to it in production, as an event
       * rather than a matter of timing. Every other password check runs as usual.
       */
      function holdPasswordCheck(guess: string) {
        const hasher = t.app.get(PasswordHasher);
        const verify = hasher.verify.bind(hasher);
        let reached!: () => void;
        let release!: () => void;
        const atCheck = new Promise<void>((resolve) => (reached = resolve));
        const released = new Promise<void>((resolve) => (release = resolve));
        const spy = jest.spyOn(hasher, 'verify').mockImplementation(async (hash, password) => {
          if (password === guess) {
            reached();
            await released;
          }
          return verify(hash, password);
        });
        return { atCheck, release, restore: () => spy.mockRestore() };
      }

      const sessionIdOf = (headers: Record<string, string>) =>
        /s%3A([^.;]+)\./.exec(headers.cookie)?.[1] ?? 'no session cookie';

      it.each([
        ['DELETE /auth/sessions/:id from another session', 'delete'],
        ['POST /auth/logout-all from another session', 'logout-all'],
        ['a password change (the right current password) from another session', 'password'],
      ])('%s while a slow request is in flight on it', async (_label, ender) => {
        const email = uniqueEmail('victim');
        await register(t, email);
        const victim = await burst.login(email, 'cookie');
        const owner = await burst.login(email, 'cookie');
        const listed = (await burst.send({ path: '/auth/sessions', headers: owner.headers })).body as {
          id: string;
          current: boolean;
          kind: string;
        }[];
        const victimHandle = listed.find((session) => session.kind === 'cookie' && !session.current)!.id;
        await sleep(1100); // past the keep-alive interval: the next request on the victim rewrites it

        // The slow request: a wrong current password, held at the password check.
        const guess = 'not the password';
        const held = holdPasswordCheck(guess);
        const answered: string[] = [];
        try {
          const slow = burst
            .send({
              method: 'POST',
              path: '/auth/password',
              headers: victim.headers,
              body: { currentPassword: guess, newPassword: 'whatever it may be' },
            })
            .then((reply) => {
              answered.push('slow request');
              return reply;
            });
          await held.atCheck; // authenticated on the victim session, which it will write back when it answers
          const end =
            ender === 'delete'
              ? await burst.send({ method: 'DELETE', path: `/auth/sessions/${victimHandle}`, headers: owner.headers })
              : ender === 'logout-all'
                ? await burst.send({ method: 'POST', path: '/auth/logout-all', headers: owner.headers })
                : await burst.send({
                    method: 'POST',
                    path: '/auth/password',
                    headers: owner.headers,
                    body: { currentPassword: PASSWORD, newPassword: 'the owner changed it' },
                  });
          answered.push('ending');
          expect(end.status).toBe(204);
          held.release();
          // It was judged on its session (a 403 for the wrong password, not a 401), after the ending.
          expect((await slow).status).toBe(403);
          expect(answered).toEqual(['ending', 'slow request']);
        } finally {
          held.release();
          held.restore();
        }

        expect(await redis.exists(`${SESSION_PREFIX}${sessionIdOf(victim.headers)}`)).toBe(0);
        expect((await burst.send({ path: '/auth/me', headers: victim.headers })).status).toBe(401);
        if (ender === 'delete') {
          const after = (await burst.send({ path: '/auth/sessions', headers: owner.headers })).body as { id: string }[];
          expect(after.map((session) => session.id)).not.toContain(victimHandle);
        }
      });

      it('gives the cookie session a fresh id on a password change; the old id is worthless', async () => {
        const email = uniqueEmail('changer');
        await register(t, email);
        const before = await burst.login(email, 'cookie');
        const changed = await burst.send({
          method: 'POST',
          path: '/auth/password',
          headers: before.headers,
          body: { currentPassword: PASSWORD, newPassword: 'a fresh new passphrase' },
        });
        expect(changed.status).toBe(204);
        const fresh = cookiesOf(changed).find((cookie) => cookie.startsWith(`${t.config.session.cookieName}=`));
        expect(fresh).toBeDefined();
        expect(fresh).not.toEqual(before.headers.cookie.split('; ')[0]);
        expect((await burst.send({ path: '/auth/me', headers: { cookie: before.headers.cookie } })).status).toBe(401);
        expect((await burst.send({ path: '/auth/me', headers: { cookie: fresh! } })).status).toBe(200);
        const sessions = (await burst.send({ path: '/auth/sessions', headers: { cookie: fresh! } })).body as {
          kind: string;
          current: boolean;
        }[];
        expect(sessions.filter((session) => session.kind === 'cookie')).toEqual([
          expect.objectContaining({ current: true }),
        ]);
      });
    });
  }

  // Refresh families exist in `jwt` and `both` modes only.
  if (usesTokens) {
    describe('every live refresh family is listed and reached by revocation', () => {
      it("keeps the user's family index at least as long as the family it rotates", async () => {
        const t = await startApp({ JWT_REFRESH_TTL: '600' });
        try {
          const email = uniqueEmail('rotator');
          const userId = await register(t, email);
          const login = await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
          const { refreshToken } = login.body as { refreshToken: string };
          await sleep(2100);
          await request(t.http).post('/auth/refresh').send({ refreshToken }).expect(200);
          const familyId = decodeJwt(refreshToken).payload.fam as string;
          const [[, familyTtl], [, indexTtl]] = (await redis
            .multi()
            .pttl(redisKeys.refreshFamily(userId, familyId))
            .pttl(redisKeys.refreshFamilies(userId))
            .exec()) as [[null, number], [null, number]];
          expect(familyTtl).toBeGreaterThan(590_000);
          // Read in one transaction; before the fix the index had the 2 s since login less.
          expect(indexTtl).toBeGreaterThan(familyTtl - 500);
        } finally {
          await t.close();
        }
      });

      it.each([
        ['POST /auth/logout-all', 'logout-all'],
        ['POST /auth/password', 'password'],
      ])(
        '%s from a fresh login reaches a family refreshed past the TTL of its login (JWT_REFRESH_TTL=10)',
        async (_label, ender) => {
          // JWT_REVOCATION is the default denylist here: the ended family's access token stops at once.
          const t = await startApp({ JWT_REFRESH_TTL: '10' });
          try {
            const email = uniqueEmail('long-lived');
            await register(t, email);
            const login = await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
            const loggedInAt = Date.now();
            const first = login.body as { accessToken: string; refreshToken: string };
            await sleep(6000);
            // Refreshed 6 s in: the family lives 10 s more, well past the 10 s its login gave the index.
            const refreshed = (
              await request(t.http).post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
            ).body as { accessToken: string; refreshToken: string };
            await sleep(Math.max(0, loggedInAt + 10_500 - Date.now()));

            const fresh = await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
            const bearer = `Bearer ${(fresh.body as { accessToken: string }).accessToken}`;
            const listed = (await request(t.http).get('/auth/sessions').set('Authorization', bearer).expect(200))
              .body as { kind: string }[];
            expect(listed.filter((session) => session.kind === 'refresh')).toHaveLength(2);
            // Still working until the ending: what follows is the ending's doing.
            await request(t.http).get('/auth/me').set('Authorization', `Bearer ${refreshed.accessToken}`).expect(200);

            if (ender === 'logout-all') {
              await request(t.http).post('/auth/logout-all').set('Authorization', bearer).expect(204);
            } else {
              const newPassword = 'a new passphrase for a long-lived family';
              await request(t.http)
                .post('/auth/password')
                .set('Authorization', bearer)
                .send({ currentPassword: PASSWORD, newPassword })
                .expect(204);
              await request(t.http).post('/auth/login').send({ email, password: newPassword }).expect(200);
            }
            await request(t.http).get('/auth/me').set('Authorization', `Bearer ${refreshed.accessToken}`).expect(401);
            await request(t.http).post('/auth/refresh').send({ refreshToken: refreshed.refreshToken }).expect(401);
          } finally {
            await t.close();
          }
        },
      );

      it('ends a family JWT_REFRESH_ABSOLUTE_TTL after its login, however often it is refreshed', async () => {
        const t = await startApp({ JWT_REFRESH_ABSOLUTE_TTL: '5' });
        try {
          const email = uniqueEmail('forever');
          await register(t, email);
          const login = await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
          const loggedInAt = Math.floor(Date.now() / 1000);
          let { refreshToken } = login.body as { refreshToken: string };
          const hardEnd = decodeJwt(refreshToken).payload.exp as number;
          expect(hardEnd).toBeLessThanOrEqual(loggedInAt + 6);
          // Refreshing at once works, and the new token does not outlive the family either.
          refreshToken = (
            (await request(t.http).post('/auth/refresh').send({ refreshToken }).expect(200)).body as {
              refreshToken: string;
            }
          ).refreshToken;
          expect(decodeJwt(refreshToken).payload.exp).toBeLessThanOrEqual(hardEnd);
          await sleep(Math.max(0, (hardEnd + 1) * 1000 - Date.now()));
          await request(t.http).post('/auth/refresh').send({ refreshToken }).expect(401);
          // The user logs in again.
          await request(t.http).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
        } finally {
          await t.close();
        }
      });

      it('lets exactly one of 30 simultaneous refreshes with one token win; the family then ends', async () => {
        const t = await startApp();
        const burst = await Burst.open(t.app, CONNECTIONS);
        try {
          const email = uniqueEmail('racer');
          await register(t, email);
          const { refreshToken } = await burst.login(email, 'bearer');
          const replies = await burst.all(
            Array.from({ length: 30 }, () => ({ method: 'POST', path: '/auth/refresh', body: { refreshToken } })),
          );
          expect(statusCounts(replies)).toEqual({ 200: 1, 401: 29 });
          // The losers presented a rotated token: reuse, so the winner's pair is revoked too.
          const winner = replies.find((reply) => reply.status === 200)!.body as { refreshToken: string };
          const after = await burst.send({
            method: 'POST',
            path: '/auth/refresh',
            body: { refreshToken: winner.refreshToken },
          });
          expect(after.status).toBe(401);
        } finally {
          burst.close();
          await t.close();
        }
      });
    });
  }

  it("names every key of a user's auth state with one hash tag (one Redis Cluster slot)", () => {
    const userId = randomUUID();
    const tag = `{u:${userId}}`;
    for (const key of [
      redisKeys.sessionIndex(userId),
      redisKeys.refreshFamily(userId, 'f'),
      redisKeys.refreshFamilies(userId),
      redisKeys.deniedAccessToken(userId, 'j'),
      redisKeys.deniedFamily(userId, 'f'),
    ]) {
      expect(key).toContain(tag);
    }
  });
});
