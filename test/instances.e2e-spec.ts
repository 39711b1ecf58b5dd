import request from 'supertest';
import { REDIS_ENV, STRATEGY, usesSessions, usesTokens } from './support/app';
import { cookiePair, CREDENTIALS, Credential, PASSWORD, uniqueEmail, uniqueIp } from './support/client';
import { SERVER_START_TIMEOUT_MS, ServerProcess } from './support/server-process';

/**
 * Two server processes on one Redis, as behind a load balancer: whatever one instance
 * establishes or ends, the other sees at once. Each instance has its own memory data
 * store (MongoDB cannot run here), so the account is registered on A and B never looks
 * it up: neither a session nor a token needs a user lookup to authenticate.
 */
describe('several instances sharing one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const env = {
      AUTH_STRATEGY: STRATEGY,
      ...REDIS_ENV,
      DATA_STORE: 'memory',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS: '3',
      TRUST_PROXY: '1',
    };
    [a, b] = await ServerProcess.startAll([{ env }, { env }]);
  }, SERVER_START_TIMEOUT_MS + 10_000);
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));

  /** Registers on A, logs in on A, and returns the headers that carry the credential anywhere. */
  async function loginOnA(via: Credential): Promise<{ headers: Record<string, string>; body: Record<string, string> }> {
    const email = uniqueEmail('multi');
    await request(a.url).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    const login = await request(a.url).post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    const body = login.body as Record<string, string>;
    if (via === 'bearer') return { headers: { Authorization: `Bearer ${body.accessToken}` }, body };
    const sid = cookiePair(login, 'sid');
    const csrf = await request(a.url).get('/auth/csrf').set('Cookie', sid).expect(200);
    return {
      headers: {
        Cookie: `${sid}; ${cookiePair(csrf, 'csrf')}`,
        'X-CSRF-Token': (csrf.body as { csrfToken: string }).csrfToken,
      },
      body,
    };
  }

  describe.each(CREDENTIALS)('via %s', (via) => {
    it('a login on A works on B, for reads and writes', async () => {
      const { headers } = await loginOnA(via);
      await request(b.url).get('/posts').set(headers).expect(200);
      await request(b.url)
        .post('/posts')
        .set(headers)
        .send({ text: 'written on B', location: { type: 'Point', coordinates: [2.35, 48.85] } })
        .expect(201);
    });

    it('a logout on A is seen at once on B', async () => {
      const { headers, body } = await loginOnA(via);
      await request(b.url).get('/posts').set(headers).expect(200);
      await request(a.url).post('/auth/logout').set(headers).send({}).expect(204);
      await request(b.url).get('/posts').set(headers).expect(401);
      if (body.refreshToken) {
        await request(b.url).post('/auth/refresh').send({ refreshToken: body.refreshToken }).expect(401);
      }
    });

    it('ending a session on B ends it on A', async () => {
      const { headers } = await loginOnA(via);
      const sessions = (await request(b.url).get('/auth/sessions').set(headers).expect(200)).body as Array<{
        id: string;
        current: boolean;
      }>;
      const current = sessions.find((session) => session.current);
      expect(current).toBeDefined();
      await request(b.url).delete(`/auth/sessions/${current!.id}`).set(headers).expect(204);
      await request(a.url).get('/posts').set(headers).expect(401);
    });
  });

  it('counts failed logins across both instances', async () => {
    const email = uniqueEmail('multi-limit');
    const ip = uniqueIp();
    await request(a.url).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
    const fail = (url: string) =>
      request(url).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: 'wrong password!' });
    await fail(a.url).expect(401);
    await fail(b.url).expect(401);
    await fail(a.url).expect(401);
    const refused = await fail(b.url).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await request(a.url).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: PASSWORD }).expect(429);
  });

  it('a revoked refresh family is refused by both instances', async () => {
    if (!usesTokens) {
      // No refresh tokens in session mode: the route exists on neither instance.
      await request(a.url).post('/auth/refresh').send({ refreshToken: 'x.y.z' }).expect(404);
      await request(b.url).post('/auth/refresh').send({ refreshToken: 'x.y.z' }).expect(404);
      expect(usesSessions).toBe(true);
      return;
    }
    const { body } = await loginOnA('bearer');
    const rotated = (await request(b.url).post('/auth/refresh').send({ refreshToken: body.refreshToken }).expect(200))
      .body as Record<string, string>;
    // Replaying the rotated token on A revokes the family...
    await request(a.url).post('/auth/refresh').send({ refreshToken: body.refreshToken }).expect(401);
    // ...so B refuses the newer token, and (denylist) its access token, too.
    await request(b.url).post('/auth/refresh').send({ refreshToken: rotated.refreshToken }).expect(401);
    await request(b.url).get('/posts').set('Authorization', `Bearer ${rotated.accessToken}`).expect(401);
    await request(a.url).get('/posts').set('Authorization', `Bearer ${rotated.accessToken}`).expect(401);
  });
});
