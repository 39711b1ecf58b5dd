import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesTokens } from './support/app';
import { ApiClient, Credential, CREDENTIALS, nestError, PASSWORD, uniqueEmail } from './support/client';
import { RedisServer } from './support/redis-server';
import { sleep } from './support/server-process';

const POST = { text: 'during the outage', location: { type: 'Point', coordinates: [2.35, 48.85] } };

/** Polls `check` until it holds; fails after `timeoutMs`. Returns how long it took. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

const healthStatus = async (t: TestApp) => (await request(t.http).get('/health')).status;

describe(`Redis outage (${STRATEGY} mode)`, () => {
  let redis: RedisServer;
  let t: TestApp;
  const clients = new Map<Credential, ApiClient>();
  let email: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    t = await startApp({ REDIS_URL: redis.url });
    for (const via of CREDENTIALS) clients.set(via, (await ApiClient.signUp(t.http, via)).client);
    email = uniqueEmail('outage');
    await request(t.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('works before the outage', async () => {
    expect(await healthStatus(t)).toBe(200);
    for (const client of clients.values()) await client.get('/auth/me').expect(200);
  });

  describe('while Redis is down', () => {
    beforeAll(async () => {
      await redis.stop();
      await eventually('GET /health notices', async () => (await healthStatus(t)) !== 200, 5000);
    });

    it("GET /health answers 503 and names redis, never the driver's error text", async () => {
      const res = await request(t.http).get('/health');
      expect(res.status).toBe(503);
      expect(res.body).toEqual(
        expect.objectContaining({
          status: 'error',
          error: { redis: expect.objectContaining({ status: 'down' }) as unknown },
        }),
      );
      // Hosts, ports and socket errors stay in the logs.
      expect(JSON.stringify(res.body)).not.toMatch(/ECONN|127\.0\.0\.1|:\d{4,5}\b|Connection|Stream|timed out/i);
    });

    it.each(CREDENTIALS)('a request authenticated via %s answers 503 with the NestJS error shape', async (via) => {
      // Cookie: the session store is Redis. Bearer: the denylist (the default JWT_REVOCATION) is Redis.
      const client = clients.get(via)!;
      for (const res of [
        await client.get('/auth/me'),
        await client.get('/posts'),
        await client.post('/posts').send(POST),
        await client.post('/auth/logout'),
      ]) {
        expect(res.status).toBe(503);
        expect(res.body).toEqual(nestError(503));
      }
    });

    it('login answers 503: the rate-limit counters are in Redis', async () => {
      for (const password of [PASSWORD, 'a wrong password']) {
        const res = await request(t.http).post('/auth/login').send({ email, password });
        expect(res.status).toBe(503);
        expect(res.body).toEqual(nestError(503));
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });

    if (usesTokens) {
      it('refresh answers 503: the refresh families are in Redis', async () => {
        const res = await request(t.http)
          .post('/auth/refresh')
          .send({ refreshToken: clients.get('bearer')!.refreshToken });
        expect(res.status).toBe(503);
        expect(res.body).toEqual(nestError(503));
      });
    }

    it('a protected route without a credential is still refused (401 or 503, never 200 or 500)', async () => {
      for (const res of [
        await request(t.http).get('/auth/me'),
        await request(t.http).get('/posts'),
        await request(t.http).post('/posts').send(POST),
      ]) {
        expect([401, 503]).toContain(res.status);
        expect(res.body).toEqual(nestError(res.status as 401 | 503));
      }
    });
  });

  describe('when Redis is back on the same port', () => {
    let recoveredInMs: number;
    beforeAll(async () => {
      await redis.restart();
      recoveredInMs = await eventually('GET /health recovers', async () => (await healthStatus(t)) === 200, 15_000);
    });

    it('GET /health answers 200 again within a few seconds, without restarting the app', async () => {
      expect(recoveredInMs).toBeLessThan(5000);
      const res = await request(t.http).get('/health').expect(200);
      expect(res.body).toEqual(expect.objectContaining({ status: 'ok', info: { redis: { status: 'up' } } }));
    });

    it.each(CREDENTIALS)('a new login via %s works, and so does its credential', async (via) => {
      const client = ApiClient.anonymous(t.http, via);
      await client.login(email, PASSWORD);
      const me = await client.get('/auth/me').expect(200);
      expect((me.body as { email: string }).email).toBe(email);
      await client.post('/posts').send(POST).expect(201);
    });
  });
});

if (usesTokens) {
  describe(`a stateless access token (JWT_REVOCATION=none, ${STRATEGY} mode) while Redis is down`, () => {
    let redis: RedisServer;
    let t: TestApp;
    let client: ApiClient;
    let user: { id: string; email: string };

    beforeAll(async () => {
      redis = await RedisServer.start();
      t = await startApp({ REDIS_URL: redis.url, JWT_REVOCATION: 'none' });
      ({ client, user } = await ApiClient.signUp(t.http, 'bearer'));
      await redis.stop();
      await eventually('GET /health notices', async () => (await healthStatus(t)) === 503, 5000);
    });
    afterAll(async () => {
      await t?.close();
      await redis?.stop();
    });

    it('still authenticates: GET /auth/me, GET /posts and POST /posts work (no Redis on their path)', async () => {
      const me = await client.get('/auth/me').expect(200);
      expect(me.body).toEqual(expect.objectContaining({ id: user.id, email: user.email }));
      await client.get('/posts').expect(200);
      await client.post('/posts').send(POST).expect(201);
    });

    it('while what needs Redis still answers 503: login and refresh', async () => {
      const login = await request(t.http).post('/auth/login').send({ email: user.email, password: PASSWORD });
      expect(login.status).toBe(503);
      const refresh = await request(t.http).post('/auth/refresh').send({ refreshToken: client.refreshToken });
      expect(refresh.status).toBe(503);
    });
  });
}
