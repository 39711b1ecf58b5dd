import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { SessionData } from 'express-session';
import { baseCookieOptions } from '../src/auth/session/session-cookie';
import { createSessionSerializer } from '../src/auth/session/session-serializer';
import { SESSION_PREFIX as SESSION_KEY_PREFIX } from '../src/redis/keys';
import { DEV_SESSION_SECRET } from '../src/config/config.schema';
import { startApp, STRATEGY, TestApp, testRedis, usesSessions, usesTokens } from './support/app';
import { ApiClient, cookiePair, findSetCookie, nestError, PASSWORD, sessionIdOf, setCookies } from './support/client';
import { sleep } from './support/server-process';

const POST = { text: 'csrf probe', location: { type: 'Point', coordinates: [2.2945, 48.8584] } };
const A_MISSING_USER_ID = '0123456789abcdef01234567';

/** The attributes of a Set-Cookie header, names lower-cased: `{ httponly: '', samesite: 'Lax', ... }`. */
function attributesOf(setCookie: string): Record<string, string> {
  const [, ...attributes] = setCookie.split(';').map((part) => part.trim());
  return Object.fromEntries(
    attributes.map((attribute) => {
      const [name, ...value] = attribute.split('=');
      return [name.toLowerCase(), value.join('=')];
    }),
  );
}

/** express-session's cookie signature (cookie-signature: HMAC-SHA256, base64 without padding). */
function signedCookieValue(sessionId: string, secret: string): string {
  const signature = createHmac('sha256', secret).update(sessionId).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sessionId}.${signature}`);
}

describe(`session cookies (${STRATEGY} mode)`, () => {
  let t: TestApp;
  let redis: ReturnType<typeof testRedis>;
  beforeAll(async () => {
    t = await startApp();
    redis = testRedis();
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  /**
   * Writes a session record straight into Redis, as the app would, and returns the signed
   * cookie for it: for states the API cannot produce (a user deleted since login).
   */
  async function forgeSession(app: TestApp, userId: string, ageMs = 120_000): Promise<{ pair: string; key: string }> {
    const sessionId = randomBytes(24).toString('base64url');
    const now = Date.now();
    const maxAge = app.config.session.idleTtl * 1000;
    const record = {
      cookie: {
        originalMaxAge: maxAge,
        expires: new Date(now + maxAge).toISOString(),
        secure: false,
        httpOnly: true,
        path: '/',
        sameSite: 'lax',
      },
      userId,
      handle: randomBytes(12).toString('base64url'),
      authenticatedAt: now - ageMs,
      lastSeenAt: now - ageMs,
    };
    const key = `${SESSION_KEY_PREFIX}${sessionId}`;
    const serializer = createSessionSerializer(baseCookieOptions(app.config.cookie), app.config.session.idleTtl);
    await redis.set(key, serializer.stringify(record as unknown as SessionData), 'EX', 120);
    return { pair: `${app.config.session.cookieName}=${signedCookieValue(sessionId, DEV_SESSION_SECRET)}`, key };
  }

  if (!usesSessions) {
    describe('jwt mode has no cookie session', () => {
      it('login and authenticated requests set no cookie, whatever the cookie settings', async () => {
        const custom = await startApp({ SESSION_COOKIE_NAME: 'app_session', COOKIE_SECURE: 'true' });
        try {
          for (const app of [t, custom]) {
            const { client, user } = await ApiClient.signUp(app.http, 'bearer');
            expect(setCookies(client.loginResponse!)).toEqual([]);
            const https = await request(app.http)
              .post('/auth/login')
              .set('X-Forwarded-Proto', 'https')
              .send({ email: user.email, password: PASSWORD })
              .expect(200);
            expect(setCookies(https)).toEqual([]);
            expect(setCookies(await client.get('/auth/me').expect(200))).toEqual([]);
          }
        } finally {
          await custom.close();
        }
      });

      it('GET /auth/csrf does not exist (404) and sets no cookie', async () => {
        const res = await request(t.http).get('/auth/csrf');
        expect(res.status).toBe(404);
        expect(setCookies(res)).toEqual([]);
      });

      it('a valid, signed session cookie of an existing user gets 401', async () => {
        const { user, client } = await ApiClient.signUp(t.http, 'bearer');
        await client.get('/posts').expect(200);
        const { pair } = await forgeSession(t, user.id);
        const res = await request(t.http).get('/posts').set('Cookie', pair);
        expect(res.status).toBe(401);
        expect(res.body).toEqual(nestError(401));
      });
    });
  }

  if (usesTokens) {
    it('bearer-authenticated POST, PATCH and DELETE need no CSRF token', async () => {
      const { client } = await ApiClient.signUp(t.http, 'bearer');
      const created = await client.post('/posts').send(POST).expect(201);
      const id = (created.body as { id: string }).id;
      await client.patch(`/posts/${id}`).send({ text: 'edited' }).expect(200);
      await client.delete(`/posts/${id}`).expect(204);
    });
  }

  if (usesSessions) {
    describe('the cookie', () => {
      const name = () => t.config.session.cookieName;

      it('is HttpOnly, SameSite=Lax, Path=/, not Secure by default, and lasts the idle TTL', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const header = findSetCookie(client.loginResponse!, 'sid');
        expect(name()).toBe('sid');
        expect(header).toBeDefined();
        const attributes = attributesOf(header!);
        expect(attributes).toEqual(expect.objectContaining({ httponly: '', samesite: 'Lax', path: '/' }));
        expect(attributes).not.toHaveProperty('secure');
        expect(attributes).not.toHaveProperty('domain');
        const expires = Date.parse(attributes.expires);
        const expected = Date.now() + t.config.session.idleTtl * 1000;
        expect(Math.abs(expires - expected)).toBeLessThan(5000);

        const csrf = await client.agent.get('/auth/csrf').expect(200);
        const csrfCookie = setCookies(csrf).find((cookie) => /^[\w-]*csrf=/.test(cookie));
        expect(csrfCookie).toBeDefined();
        expect(attributesOf(csrfCookie!)).toEqual(
          expect.objectContaining({ httponly: '', samesite: 'Lax', path: '/' }),
        );
      });

      it('is Secure with COOKIE_SECURE=true (behind a TLS proxy: X-Forwarded-Proto https)', async () => {
        const secure = await startApp({ COOKIE_SECURE: 'true' });
        try {
          const secureName = secure.config.session.cookieName;
          expect(secureName).toMatch(/sid$/);
          const { user } = await ApiClient.signUp(secure.http, 'bearer');
          const res = await request(secure.http)
            .post('/auth/login')
            .set('X-Forwarded-Proto', 'https')
            .send({ email: user.email, password: PASSWORD })
            .expect(200);
          const header = findSetCookie(res, secureName);
          expect(header).toBeDefined();
          expect(attributesOf(header!)).toEqual(
            expect.objectContaining({ secure: '', httponly: '', samesite: 'Lax', path: '/' }),
          );
          const pair = cookiePair(res, secureName);
          await request(secure.http).get('/auth/me').set('X-Forwarded-Proto', 'https').set('Cookie', pair).expect(200);

          const csrf = await request(secure.http)
            .get('/auth/csrf')
            .set('X-Forwarded-Proto', 'https')
            .set('Cookie', pair)
            .expect(200);
          const csrfCookie = setCookies(csrf).find((cookie) => /csrf=/.test(cookie.split(';')[0]));
          expect(csrfCookie).toBeDefined();
          expect(attributesOf(csrfCookie!)).toHaveProperty('secure', '');
        } finally {
          await secure.close();
        }
      });

      it('takes its name from SESSION_COOKIE_NAME', async () => {
        const named = await startApp({ SESSION_COOKIE_NAME: 'app_session' });
        try {
          const { client, user } = await ApiClient.signUp(named.http, 'cookie');
          expect(findSetCookie(client.loginResponse!, 'sid')).toBeUndefined();
          const pair = cookiePair(client.loginResponse!, 'app_session');
          await request(named.http).get('/auth/me').set('Cookie', pair).expect(200, user);
          // The same value under the default name is not a session of this deployment.
          const value = pair.slice('app_session='.length);
          await request(named.http).get('/auth/me').set('Cookie', `sid=${value}`).expect(401);
        } finally {
          await named.close();
        }
      });
    });

    describe('session ids', () => {
      const name = () => t.config.session.cookieName;
      const key = (pair: string) => `${SESSION_KEY_PREFIX}${sessionIdOf(pair)}`;

      it('login issues a fresh id: the cookie held before login is worthless after it', async () => {
        const { client, email, user } = await ApiClient.signUp(t.http, 'cookie');
        const before = cookiePair(client.loginResponse!, name());
        await request(t.http).get('/auth/me').set('Cookie', before).expect(200);

        // Logging in again on the same agent sends the old cookie along.
        await client.login(email, PASSWORD);
        const after = cookiePair(client.loginResponse!, name());
        expect(sessionIdOf(after)).not.toBe(sessionIdOf(before));
        expect(await redis.exists(key(before))).toBe(0);
        expect(await redis.exists(key(after))).toBe(1);
        await request(t.http).get('/auth/me').set('Cookie', before).expect(401);
        await request(t.http).get('/auth/me').set('Cookie', after).expect(200, user);
      });

      it('a session id planted before login never becomes the victim’s session', async () => {
        const attacker = await ApiClient.signUp(t.http, 'cookie');
        const planted = cookiePair(attacker.client.loginResponse!, name());
        const victim = await ApiClient.signUp(t.http, 'cookie');

        const res = await request(t.http)
          .post('/auth/login')
          .set('Cookie', planted)
          .send({ email: victim.email, password: PASSWORD })
          .expect(200);
        const issued = cookiePair(res, name());
        expect(sessionIdOf(issued)).not.toBe(sessionIdOf(planted));
        const withPlanted = await request(t.http).get('/auth/me').set('Cookie', planted);
        expect(withPlanted.body).not.toEqual(victim.user);
        await request(t.http).get('/auth/me').set('Cookie', issued).expect(200, victim.user);
      });

      it('stores the session in Redis under sess:<id> with a TTL of SESSION_IDLE_TTL', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const ttl = await redis.ttl(key(cookiePair(client.loginResponse!, name())));
        expect(ttl).toBeGreaterThan(t.config.session.idleTtl - 5);
        expect(ttl).toBeLessThanOrEqual(t.config.session.idleTtl);
      });

      it('rejects a tampered, unsigned or foreign-signed cookie (401) and leaves the session alone', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const pair = cookiePair(client.loginResponse!, name());
        const sessionId = sessionIdOf(pair);
        const value = decodeURIComponent(pair.slice(name().length + 1));
        const lastChar = value.slice(-1);
        const other = await ApiClient.signUp(t.http, 'cookie');
        const otherId = sessionIdOf(cookiePair(other.client.loginResponse!, name()));

        const forgeries = [
          value.slice(0, -1) + (lastChar === 'A' ? 'B' : 'A'), // signature altered
          `s:${sessionId}`, // signature removed
          sessionId, // not signed at all
          decodeURIComponent(signedCookieValue(sessionId, 'another-secret-of-at-least-32-characters')),
          `s:${otherId}.${value.split('.').pop()}`, // another session's id under this signature
        ];
        for (const forged of forgeries) {
          const res = await request(t.http)
            .get('/auth/me')
            .set('Cookie', `${name()}=${encodeURIComponent(forged)}`);
          expect(res.status).toBe(401);
          expect(res.body).toEqual(nestError(401));
        }
        expect(await redis.exists(key(pair))).toBe(1);
        await request(t.http).get('/auth/me').set('Cookie', pair).expect(200);
      });

      it('a session whose user no longer exists gets 401, and is destroyed', async () => {
        // Control: the same forged record, for a user that exists, is a working session.
        const { user } = await ApiClient.signUp(t.http, 'cookie');
        const genuine = await forgeSession(t, user.id);
        await request(t.http).get('/posts').set('Cookie', genuine.pair).expect(200);
        await request(t.http).get('/auth/me').set('Cookie', genuine.pair).expect(200, user);

        const orphan = await forgeSession(t, A_MISSING_USER_ID);
        for (const path of ['/posts', '/auth/me']) {
          const res = await request(t.http).get(path).set('Cookie', orphan.pair);
          expect(res.status).toBe(401);
          expect(res.body).toEqual(nestError(401));
        }
        expect(await redis.exists(orphan.key)).toBe(0);
      });

      it('a session past SESSION_ABSOLUTE_TTL gets 401 even while its record still exists', async () => {
        const { user } = await ApiClient.signUp(t.http, 'cookie');
        const stale = await forgeSession(t, user.id, (t.config.session.absoluteTtl + 60) * 1000);
        const res = await request(t.http).get('/auth/me').set('Cookie', stale.pair);
        expect(res.status).toBe(401);
        expect(await redis.exists(stale.key)).toBe(0);
      });
    });

    describe('expiry', () => {
      it('idle: SESSION_IDLE_TTL=2, unused for 3 s, gets 401', async () => {
        const idle = await startApp({ SESSION_IDLE_TTL: '2' });
        try {
          const { client } = await ApiClient.signUp(idle.http, 'cookie');
          const pair = cookiePair(client.loginResponse!, idle.config.session.cookieName);
          // Sent by hand, never through the agent's jar, which would drop an expired cookie itself.
          await request(idle.http).get('/auth/me').set('Cookie', pair).expect(200);
          await sleep(3000);
          const res = await request(idle.http).get('/auth/me').set('Cookie', pair);
          expect(res.status).toBe(401);
          expect(res.body).toEqual(nestError(401));
        } finally {
          await idle.close();
        }
      });

      it('rolling: activity every second keeps a SESSION_IDLE_TTL=2 session alive, idleness then ends it', async () => {
        const idle = await startApp({ SESSION_IDLE_TTL: '2' });
        try {
          const { client } = await ApiClient.signUp(idle.http, 'cookie');
          const pair = cookiePair(client.loginResponse!, idle.config.session.cookieName);
          const loggedInAt = Date.now();
          for (let second = 1; second <= 3; second++) {
            await sleep(loggedInAt + second * 1000 - Date.now());
            await request(idle.http).get('/auth/me').set('Cookie', pair).expect(200);
          }
          expect(Date.now() - loggedInAt).toBeGreaterThan(2500);
          await sleep(3000);
          await request(idle.http).get('/auth/me').set('Cookie', pair).expect(401);
        } finally {
          await idle.close();
        }
      });

      it('absolute: SESSION_ABSOLUTE_TTL=3 ends an active session ~3 s after login', async () => {
        const capped = await startApp({ SESSION_ABSOLUTE_TTL: '3', SESSION_IDLE_TTL: '60' });
        try {
          const { client } = await ApiClient.signUp(capped.http, 'cookie');
          const loggedInAt = Date.now();
          const pair = cookiePair(client.loginResponse!, capped.config.session.cookieName);
          // The store keeps it no longer than the absolute TTL allows, whatever the idle TTL.
          const ttl = await redis.ttl(`${SESSION_KEY_PREFIX}${sessionIdOf(pair)}`);
          expect(ttl).toBeGreaterThan(0);
          expect(ttl).toBeLessThanOrEqual(3);
          for (const at of [1000, 2000]) {
            await sleep(loggedInAt + at - Date.now());
            await request(capped.http).get('/auth/me').set('Cookie', pair).expect(200);
          }
          await sleep(loggedInAt + 3500 - Date.now());
          const res = await request(capped.http).get('/auth/me').set('Cookie', pair);
          expect(res.status).toBe(401);
          expect(res.body).toEqual(nestError(401));
        } finally {
          await capped.close();
        }
      });
    });

    describe('CSRF on cookie-authenticated requests', () => {
      const name = () => t.config.session.cookieName;

      /** A CSRF token and its cookie, fetched with the session cookie `pair`. */
      async function csrfFor(pair: string): Promise<{ token: string; cookie: string }> {
        const res = await request(t.http).get('/auth/csrf').set('Cookie', pair).expect(200);
        const header = setCookies(res).find((cookie) => /csrf=/.test(cookie.split(';')[0]));
        if (!header) throw new Error('GET /auth/csrf set no CSRF cookie');
        return { token: (res.body as { csrfToken: string }).csrfToken, cookie: header.split(';')[0] };
      }

      async function postsWithText(client: ApiClient, text: string): Promise<number> {
        const res = await client.get('/posts?limit=100').expect(200);
        return (res.body as { text: string }[]).filter((post) => post.text === text).length;
      }

      it('POST without X-CSRF-Token, or with a garbage one, is 403 and changes nothing', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const text = `no token ${randomUUID()}`;
        const missing = await client.agent.post('/posts').send({ ...POST, text });
        expect(missing.status).toBe(403);
        expect(missing.body).toEqual(nestError(403));
        for (const garbage of ['garbage', `${client.csrfToken}x`, 'a'.repeat(64)]) {
          const res = await client.agent
            .post('/posts')
            .set('X-CSRF-Token', garbage)
            .send({ ...POST, text });
          expect(res.status).toBe(403);
          expect(res.body).toEqual(nestError(403));
        }
        expect(await postsWithText(client, text)).toBe(0);
        await client
          .post('/posts')
          .send({ ...POST, text })
          .expect(201);
        expect(await postsWithText(client, text)).toBe(1);
      });

      it('a token fetched for another session is 403, even with that session’s CSRF cookie', async () => {
        const mine = await ApiClient.signUp(t.http, 'cookie');
        const theirs = await ApiClient.signUp(t.http, 'cookie');
        const myPair = cookiePair(mine.client.loginResponse!, name());
        const theirPair = cookiePair(theirs.client.loginResponse!, name());
        const theirCsrf = await csrfFor(theirPair);

        const stolen = await request(t.http)
          .post('/posts')
          .set('Cookie', `${myPair}; ${theirCsrf.cookie}`)
          .set('X-CSRF-Token', theirCsrf.token)
          .send(POST);
        expect(stolen.status).toBe(403);
        expect(stolen.body).toEqual(nestError(403));

        // The same token and cookie with their own session: accepted.
        await request(t.http)
          .post('/posts')
          .set('Cookie', `${theirPair}; ${theirCsrf.cookie}`)
          .set('X-CSRF-Token', theirCsrf.token)
          .send(POST)
          .expect(201);
      });

      it('a token fetched before login is worthless after it', async () => {
        const { email } = await ApiClient.signUp(t.http, 'cookie');
        const agent = request.agent(t.http);
        const early = ((await agent.get('/auth/csrf').expect(200)).body as { csrfToken: string }).csrfToken;
        await agent.post('/auth/login').send({ email, password: PASSWORD }).expect(200);
        await agent.post('/posts').set('X-CSRF-Token', early).send(POST).expect(403);
        const fresh = ((await agent.get('/auth/csrf').expect(200)).body as { csrfToken: string }).csrfToken;
        await agent.post('/posts').set('X-CSRF-Token', fresh).send(POST).expect(201);
      });

      it('PATCH and DELETE need the token too; with it they succeed', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const id = ((await client.post('/posts').send(POST).expect(201)).body as { id: string }).id;

        const patch = await client.agent.patch(`/posts/${id}`).send({ text: 'edited' });
        expect(patch.status).toBe(403);
        expect(patch.body).toEqual(nestError(403));
        const remove = await client.agent.delete(`/posts/${id}`);
        expect(remove.status).toBe(403);
        expect(remove.body).toEqual(nestError(403));
        await client.get(`/posts/${id}`).expect(200);

        const patched = await client.patch(`/posts/${id}`).send({ text: 'edited' }).expect(200);
        expect((patched.body as { text: string }).text).toBe('edited');
        await client.delete(`/posts/${id}`).expect(204);
        await client.get(`/posts/${id}`).expect(404);
      });

      it('logout needs the token: without it, 403 and the session lives on', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const res = await client.agent.post('/auth/logout');
        expect(res.status).toBe(403);
        await client.get('/auth/me').expect(200);
        await client.post('/auth/logout').expect(204);
        await client.get('/auth/me').expect(401);
      });

      it('GET needs no token', async () => {
        const { client, user } = await ApiClient.signUp(t.http, 'cookie');
        await client.agent.get('/auth/me').expect(200, user);
        await client.agent.get('/posts').expect(200);
      });
    });
  }
});
