import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { SESSION_PREFIX as SESSION_KEY_PREFIX } from '../src/redis/keys';
import { UsersService } from '../src/users/users.service';
import { startApp, STRATEGY, TestApp, testRedis, usesSessions, usesTokens } from './support/app';
import {
  ApiClient,
  cookiePair,
  CREDENTIALS,
  findSetCookie,
  nestError,
  PASSWORD,
  sessionIdOf,
  setCookies,
  uniqueEmail,
  uniqueIp,
  UserBody,
} from './support/client';

const OBJECT_ID = /^[0-9a-f]{24}$/;
const WRONG_PASSWORD = 'not the right password';

function register(http: Server, body: Record<string, unknown>): request.Test {
  return request(http).post('/auth/register').send(body);
}

/** A login from a client address of its own, so failures never count against 127.0.0.1. */
function login(http: Server, email: unknown, password: unknown, ip = uniqueIp()): request.Test {
  return request(http).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });
}

describe('auth', () => {
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

  const cookieName = () => t.config.session.cookieName;

  describe('POST /auth/register', () => {
    it('answers 201 with exactly the User shape: id, email, name, roles, createdAt', async () => {
      const email = uniqueEmail('shape');
      const before = Date.now();
      const res = await register(t.http, { email, password: PASSWORD, name: 'Ann' }).expect(201);
      const body = res.body as UserBody;
      expect(Object.keys(body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'roles']);
      expect(body.id).toMatch(OBJECT_ID);
      expect(body.email).toBe(email);
      expect(body.name).toBe('Ann');
      expect(body.roles).toEqual(['user']);
      const createdAt = Date.parse(body.createdAt);
      expect(new Date(createdAt).toISOString()).toBe(body.createdAt);
      expect(createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(createdAt).toBeLessThanOrEqual(Date.now() + 1000);
      for (const secret of ['passwordHash', '_id', '__v', 'password', '$argon2', PASSWORD]) {
        expect(res.text).not.toContain(secret);
      }
    });

    it('makes name optional: null when absent', async () => {
      const res = await register(t.http, { email: uniqueEmail('noname'), password: PASSWORD }).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ name: null }));
      expect(Object.keys(res.body as object)).toContain('name');
    });

    it('trims the email and compares it case-insensitively (409 for a second spelling)', async () => {
      const local = `Ann-${randomUUID()}`;
      const first = await register(t.http, { email: `${local}@X.io`, password: PASSWORD }).expect(201);
      expect((first.body as UserBody).email).toBe(`${local.toLowerCase()}@x.io`);

      const second = await register(t.http, { email: `  ${local.toLowerCase()}@x.io `, password: PASSWORD });
      expect(second.status).toBe(409);
      expect(second.body).toEqual(nestError(409));

      for (const spelling of [`${local}@X.io`, ` ${local.toLowerCase()}@x.io `, `${local.toUpperCase()}@X.IO`]) {
        const res = await login(t.http, spelling, PASSWORD).expect(200);
        expect((res.body as { user: UserBody }).user).toEqual(first.body);
      }
    });

    it('accepts passwords of exactly 8 and 128 characters', async () => {
      for (const password of ['p'.repeat(8), 'p'.repeat(128)]) {
        const email = uniqueEmail('boundary');
        await register(t.http, { email, password }).expect(201);
        await login(t.http, email, password).expect(200);
      }
    });

    const invalidBodies: [string, (email: string) => unknown][] = [
      ['an empty body', () => ({})],
      ['no email', () => ({ password: PASSWORD })],
      ['no password', (email) => ({ email })],
      ['a malformed email', () => ({ email: 'not-an-email', password: PASSWORD })],
      ['an email that is only spaces', () => ({ email: '   ', password: PASSWORD })],
      ['a 7-character password', (email) => ({ email, password: 'p'.repeat(7) })],
      ['a 129-character password', (email) => ({ email, password: 'p'.repeat(129) })],
      ['a numeric password', (email) => ({ email, password: 12345678 })],
      ['a numeric email', () => ({ email: 42, password: PASSWORD })],
      ['an email array', (email) => ({ email: [email], password: PASSWORD })],
      ['an operator object as email', () => ({ email: { $gt: '' }, password: PASSWORD })],
      ['an operator object as password', (email) => ({ email, password: { $ne: null } })],
      ['a null password', (email) => ({ email, password: null })],
      ['a numeric name', (email) => ({ email, password: PASSWORD, name: 5 })],
      ['an operator object as name', (email) => ({ email, password: PASSWORD, name: { $gt: '' } })],
      ['an unknown field', (email) => ({ email, password: PASSWORD, role: 'admin' })],
      ['a passwordHash field', (email) => ({ email, password: PASSWORD, passwordHash: 'x' })],
      ['an id field', (email) => ({ email, password: PASSWORD, id: '0123456789abcdef01234567' })],
      ['an array body', (email) => [{ email, password: PASSWORD }]],
    ];

    it.each(invalidBodies)('answers 400 for %s and creates no account', async (_label, body) => {
      const email = uniqueEmail('invalid');
      const res = await register(t.http, body(email) as Record<string, unknown>);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(nestError(400));
      // Nothing was stored: the same email registers normally afterwards.
      await register(t.http, { email, password: PASSWORD }).expect(201);
    });
  });

  describe('POST /auth/login', () => {
    it(`answers 200 { user, ...${STRATEGY} mode fields } and the credential works`, async () => {
      const email = uniqueEmail('login');
      const registered = await register(t.http, { email, password: PASSWORD, name: 'Lou' }).expect(201);
      const res = await login(t.http, email, PASSWORD).expect(200);
      const body = res.body as Record<string, unknown>;
      expect(body.user).toEqual(registered.body);

      const sessionCookie = findSetCookie(res, cookieName());
      if (usesSessions) {
        expect(sessionCookie).toBeDefined();
        const pair = cookiePair(res, cookieName());
        await request(t.http).get('/auth/me').set('Cookie', pair).expect(200, registered.body);
      } else {
        expect(sessionCookie).toBeUndefined();
      }

      if (usesTokens) {
        expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user']);
        expect(body.tokenType).toBe('Bearer');
        expect(body.expiresIn).toBe(t.config.jwt.accessTtl);
        expect(body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(body.refreshToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(body.refreshToken).not.toBe(body.accessToken);
        await request(t.http)
          .get('/auth/me')
          .set('Authorization', `Bearer ${body.accessToken as string}`)
          .expect(200, registered.body);
      } else {
        expect(Object.keys(body)).toEqual(['user']);
      }
    });

    it('answers an account without a password (created by single sign-on) as it answers a wrong password', async () => {
      const email = uniqueEmail('sso-only');
      await t.app.get(UsersService).create({ email, name: null, passwordHash: null });
      const wrong = await login(t.http, uniqueEmail('nobody'), PASSWORD).expect(401);
      const res = await login(t.http, email, PASSWORD).expect(401);
      expect(res.body).toEqual(wrong.body);
      expect(setCookies(res).filter((header) => header.startsWith(`${cookieName()}=`))).toEqual([]);
    });

    it('gives the same 401 body for an unknown email and a wrong password, and no credential', async () => {
      const email = uniqueEmail('known');
      await register(t.http, { email, password: PASSWORD }).expect(201);

      const wrongPassword = await login(t.http, email, WRONG_PASSWORD);
      const unknownEmail = await login(t.http, uniqueEmail('unknown'), PASSWORD);
      for (const res of [wrongPassword, unknownEmail]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(nestError(401));
        expect(findSetCookie(res, cookieName())).toBeUndefined();
        expect(res.text).not.toMatch(/accessToken|refreshToken/);
      }
      expect(unknownEmail.body).toEqual(wrongPassword.body);
    });

    const invalidLogins: [string, unknown][] = [
      ['an empty body', {}],
      ['no password', { email: 'ann@example.com' }],
      ['no email', { password: PASSWORD }],
      ['a malformed email', { email: 'ann', password: PASSWORD }],
      ['a 7-character password', { email: 'ann@example.com', password: 'p'.repeat(7) }],
      ['a 129-character password', { email: 'ann@example.com', password: 'p'.repeat(129) }],
      ['an operator object as email', { email: { $gt: '' }, password: PASSWORD }],
      ['an operator object as password', { email: 'ann@example.com', password: { $ne: null } }],
      ['a numeric password', { email: 'ann@example.com', password: 12345678 }],
      ['an unknown field', { email: 'ann@example.com', password: PASSWORD, remember: true }],
    ];

    it.each(invalidLogins)('answers 400 for %s', async (_label, body) => {
      const res = await request(t.http)
        .post('/auth/login')
        .set('X-Forwarded-For', uniqueIp())
        .send(body as object);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(nestError(400));
    });

    it('never lets an operator object log in to an existing account', async () => {
      const email = uniqueEmail('operator');
      await register(t.http, { email, password: PASSWORD }).expect(201);
      await login(t.http, email, { $ne: 'x' }).expect(400);
      await login(t.http, { $regex: '.*' }, PASSWORD).expect(400);
    });
  });

  describe('login rate limit (LOGIN_MAX_ATTEMPTS=3, LOGIN_MAX_ATTEMPTS_PER_IP=6)', () => {
    const MAX = 3;
    const MAX_PER_IP = 6;
    const WINDOW = 60;
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startApp({
        LOGIN_MAX_ATTEMPTS: String(MAX),
        LOGIN_MAX_ATTEMPTS_PER_IP: String(MAX_PER_IP),
        LOGIN_WINDOW: String(WINDOW),
      });
    });
    afterAll(() => limited.close());

    function expectTooMany(res: request.Response): void {
      expect(res.status).toBe(429);
      expect(res.body).toEqual(nestError(429));
      const retryAfter = Number(res.headers['retry-after']);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW);
      expect(findSetCookie(res, cookieName())).toBeUndefined();
    }

    it('limits failures per email, even from different IPs, and then refuses the right password', async () => {
      const email = uniqueEmail('limited');
      await register(limited.http, { email, password: PASSWORD }).expect(201);
      for (let i = 0; i < MAX; i++) await login(limited.http, email, WRONG_PASSWORD).expect(401);

      expectTooMany(await login(limited.http, email, WRONG_PASSWORD));
      expectTooMany(await login(limited.http, email, PASSWORD));
      // Spelled differently, it is the same account and the same counter.
      expectTooMany(await login(limited.http, ` ${email.toUpperCase()} `, PASSWORD));

      // Only that email: another account logs in from a fresh address.
      const other = uniqueEmail('unlimited');
      await register(limited.http, { email: other, password: PASSWORD }).expect(201);
      await login(limited.http, other, PASSWORD).expect(200);
    });

    it('limits failures per IP with its own limit, even for different emails, and then refuses the right password', async () => {
      const ip = uniqueIp();
      const email = uniqueEmail('victim');
      await register(limited.http, { email, password: PASSWORD }).expect(201);
      for (let i = 0; i < MAX_PER_IP; i++)
        await login(limited.http, uniqueEmail('guess'), WRONG_PASSWORD, ip).expect(401);

      expectTooMany(await login(limited.http, uniqueEmail('guess'), WRONG_PASSWORD, ip));
      expectTooMany(await login(limited.http, email, PASSWORD, ip));

      // Only that address: the same account logs in from another one.
      await login(limited.http, email, PASSWORD, uniqueIp()).expect(200);
    });

    it('counts only failures: successful logins never use up the limit', async () => {
      const ip = uniqueIp();
      const email = uniqueEmail('regular');
      await register(limited.http, { email, password: PASSWORD }).expect(201);
      for (let i = 0; i < MAX + 2; i++) await login(limited.http, email, PASSWORD, ip).expect(200);
    });
  });

  describe('GET /auth/me', () => {
    it.each(CREDENTIALS)('answers 200 with the caller via %s', async (via) => {
      const { client, user } = await ApiClient.signUp(t.http, via, 'Mia');
      const res = await client.get('/auth/me').expect(200);
      expect(res.body).toEqual(user);
      expect(Object.keys(res.body as object).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'roles']);
    });

    it('answers 401 without a credential, with a garbage token and with a garbage cookie', async () => {
      for (const res of [
        await request(t.http).get('/auth/me'),
        await request(t.http).get('/auth/me').set('Authorization', 'Bearer not.a.token'),
        await request(t.http).get('/auth/me').set('Authorization', 'Bearer'),
        await request(t.http).get('/auth/me').set('Cookie', `${cookieName()}=s%3Anope.nope`),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(nestError(401));
      }
    });
  });

  describe('protected routes', () => {
    const id = '0123456789abcdef01234567';
    const post = { text: 'hello', location: { type: 'Point', coordinates: [2.35, 48.85] } };
    // Every row has all four cells: jest reads a test function with more parameters than cells as one taking done().
    const routes: [string, 'get' | 'post' | 'patch' | 'delete', string, object | null][] = [
      ['GET /auth/me', 'get', '/auth/me', null],
      ['POST /auth/logout', 'post', '/auth/logout', {}],
      ['GET /auth/sessions', 'get', '/auth/sessions', null],
      ['DELETE /auth/sessions/:id', 'delete', '/auth/sessions/some-handle', null],
      ['POST /auth/logout-all', 'post', '/auth/logout-all', {}],
      ['POST /auth/password', 'post', '/auth/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD}!` }],
      ['GET /posts', 'get', '/posts', null],
      ['GET /posts/near', 'get', '/posts/near?lng=2.35&lat=48.85', null],
      ['GET /posts/:id', 'get', `/posts/${id}`, null],
      ['POST /posts', 'post', '/posts', post],
      ['PATCH /posts/:id', 'patch', `/posts/${id}`, { text: 'changed' }],
      ['DELETE /posts/:id', 'delete', `/posts/${id}`, null],
    ];

    it.each(routes)('%s answers 401 without a credential', async (_label, method, path, body) => {
      const req = request(t.http)[method](path);
      const res = body ? await req.send(body) : await req;
      expect(res.status).toBe(401);
      expect(res.body).toEqual(nestError(401));
    });
  });

  describe(`routes and credentials of ${STRATEGY} mode only`, () => {
    it(`GET /auth/csrf ${usesSessions ? 'answers 200 { csrfToken }' : 'does not exist (404)'}`, async () => {
      const res = await request(t.http).get('/auth/csrf');
      if (usesSessions) {
        expect(res.status).toBe(200);
        expect(Object.keys(res.body as object)).toEqual(['csrfToken']);
        expect((res.body as { csrfToken: string }).csrfToken).toMatch(/^\S{32,}$/);
      } else {
        expect(res.status).toBe(404);
        expect(setCookies(res)).toEqual([]);
      }
    });

    it(`POST /auth/refresh ${usesTokens ? 'rotates a refresh token' : 'does not exist (404)'}`, async () => {
      // In session mode there is no token to refresh: borrow one from a jwt-mode app.
      const issuer = usesTokens ? t : await startApp({ AUTH_STRATEGY: 'jwt' });
      try {
        const { client } = await ApiClient.signUp(issuer.http, 'bearer');
        const res = await request(t.http).post('/auth/refresh').send({ refreshToken: client.refreshToken });
        if (usesTokens) {
          expect(res.status).toBe(200);
          expect(Object.keys(res.body as object).sort()).toEqual([
            'accessToken',
            'expiresIn',
            'refreshToken',
            'tokenType',
          ]);
        } else {
          expect(res.status).toBe(404);
        }
      } finally {
        if (issuer !== t) await issuer.close();
      }
    });

    it(`a bearer token ${usesTokens ? 'authenticates' : 'alone gets 401: session mode ignores it'}`, async () => {
      // A genuine token, issued by a jwt-mode app with the same keys and Redis.
      const issuer = usesTokens ? t : await startApp({ AUTH_STRATEGY: 'jwt' });
      try {
        const { client } = await ApiClient.signUp(issuer.http, 'bearer');
        await client.get('/posts').expect(200);
        const res = await request(t.http).get('/posts').set('Authorization', `Bearer ${client.accessToken}`);
        expect(res.status).toBe(usesTokens ? 200 : 401);
      } finally {
        if (issuer !== t) await issuer.close();
      }
    });

    it(`a session cookie ${usesSessions ? 'authenticates' : 'alone gets 401: jwt mode ignores it'}`, async () => {
      // A genuine session, in the same Redis with the same secret, from a session-mode app.
      const issuer = usesSessions ? t : await startApp({ AUTH_STRATEGY: 'session' });
      try {
        const { client } = await ApiClient.signUp(issuer.http, 'cookie');
        const pair = cookiePair(client.loginResponse!, cookieName());
        await request(issuer.http).get('/posts').set('Cookie', pair).expect(200);
        const res = await request(t.http).get('/posts').set('Cookie', pair);
        expect(res.status).toBe(usesSessions ? 200 : 401);
      } finally {
        if (issuer !== t) await issuer.close();
      }
    });
  });

  describe('POST /auth/logout', () => {
    it('answers 401 without a credential', async () => {
      const res = await request(t.http).post('/auth/logout').send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual(nestError(401));
    });

    if (CREDENTIALS.includes('cookie')) {
      it('with a cookie: 204, the session is gone from Redis, the cookie is cleared and dead', async () => {
        const { client } = await ApiClient.signUp(t.http, 'cookie');
        const pair = cookiePair(client.loginResponse!, cookieName());
        const key = `${SESSION_KEY_PREFIX}${sessionIdOf(pair)}`;
        expect(await redis.exists(key)).toBe(1);

        const res = await client.post('/auth/logout').expect(204);
        expect(res.text).toBe('');
        const cleared = findSetCookie(res, cookieName());
        expect(cleared).toMatch(new RegExp(`^${cookieName()}=;`));
        expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
        expect(await redis.exists(key)).toBe(0);

        await request(t.http).get('/auth/me').set('Cookie', pair).expect(401);
        await client.get('/auth/me').expect(401);
        await client.post('/auth/logout').expect(401);
      });
    }

    if (CREDENTIALS.includes('bearer')) {
      it('with a bearer token: 204, then the access token gets 401 and its refresh token no longer refreshes', async () => {
        const { client, email } = await ApiClient.signUp(t.http, 'bearer');
        const elsewhere = ApiClient.anonymous(t.http, 'bearer');
        await elsewhere.login(email, PASSWORD);
        await client.get('/auth/me').expect(200);

        await client.post('/auth/logout').expect(204);
        const res = await client.get('/auth/me');
        expect(res.status).toBe(401);
        expect(res.body).toEqual(nestError(401));
        await request(t.http).post('/auth/refresh').send({ refreshToken: client.refreshToken }).expect(401);
        await client.post('/auth/logout').expect(401);

        // Only that login ended: the same account's other login still works and refreshes.
        await elsewhere.get('/auth/me').expect(200);
        await request(t.http).post('/auth/refresh').send({ refreshToken: elsewhere.refreshToken }).expect(200);
      });

      it('with a bearer token and { refreshToken } of another login of the caller: that family ends too', async () => {
        const { client, email } = await ApiClient.signUp(t.http, 'bearer');
        const elsewhere = ApiClient.anonymous(t.http, 'bearer');
        await elsewhere.login(email, PASSWORD);

        await client.post('/auth/logout').send({ refreshToken: elsewhere.refreshToken }).expect(204);
        await request(t.http).post('/auth/refresh').send({ refreshToken: elsewhere.refreshToken }).expect(401);
        await elsewhere.get('/auth/me').expect(401);
      });
    }
  });
});
