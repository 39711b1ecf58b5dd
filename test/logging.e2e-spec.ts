import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { REDIS_ENV } from './support/app';
import { cookiePair, sessionIdOf, uniqueEmail, uniqueIp } from './support/client';
import { SERVER_START_TIMEOUT_MS, ServerProcess } from './support/server-process';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RequestRecord {
  req?: { id?: unknown; method?: unknown; url?: unknown };
  res?: { statusCode?: unknown };
  audit?: unknown;
  type?: unknown;
  userId?: unknown;
}

/**
 * What the running service writes to stdout and stderr: the real server process (main.ts),
 * AUTH_STRATEGY=both so that both a cookie and tokens go through it, LOG_LEVEL=info.
 */
describe('logs of the real server process', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({
      env: {
        AUTH_STRATEGY: 'both',
        ...REDIS_ENV,
        LOG_LEVEL: 'info',
        TRUST_PROXY: '1',
        // The login counters live in the shared Redis: do not inherit other specs' failures.
        LOGIN_MAX_ATTEMPTS: '1000',
      },
    });
  }, SERVER_START_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await server?.stop();
  });

  // The line written when a response is sent (RequestLogger); other lines of a request (an audit event) carry `req` too.
  const requestLines = () =>
    server.logRecords().filter((record: RequestRecord) => record.req !== undefined && record.res !== undefined);

  function requestLine(id: string): RequestRecord | undefined {
    return requestLines().find((record: RequestRecord) => record.req?.id === id);
  }

  it('logs each request with its id, and never a password, the cookie or a token', async () => {
    const api = () => request(server.url);
    const ip = uniqueIp();
    const email = uniqueEmail('logged');
    const password = `pw-${randomUUID()}`;
    const newPassword = `new-pw-${randomUUID()}`;
    const wrongPassword = `wrong-pw-${randomUUID()}`;
    const rejectedPassword = `rejected-pw-${randomUUID()}`;
    const responses: { res: request.Response; method: string; url: string }[] = [];
    const track = async (method: string, url: string, pending: request.Test) => {
      const res = await pending;
      responses.push({ res, method, url });
      return res;
    };

    await track('POST', '/auth/register', api().post('/auth/register').send({ email, password })).then((res) =>
      expect(res.status).toBe(201),
    );
    const login = await track(
      'POST',
      '/auth/login',
      api().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password }),
    );
    expect(login.status).toBe(200);
    const cookie = cookiePair(login, 'sid');
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };

    const viaCookie = await track('GET', '/auth/me', api().get('/auth/me').set('Cookie', cookie));
    expect(viaCookie.status).toBe(200);
    const viaBearer = await track(
      'GET',
      '/auth/me',
      api().get('/auth/me').set('Authorization', `Bearer ${accessToken}`),
    );
    expect(viaBearer.status).toBe(200);
    const csrf = await track('GET', '/auth/csrf', api().get('/auth/csrf').set('Cookie', cookie));
    const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
    const csrfCookie = cookiePair(csrf, 'csrf');
    const post = await track(
      'POST',
      '/posts',
      api()
        .post('/posts')
        .set('Cookie', `${cookie}; ${csrfCookie}`)
        .set('X-CSRF-Token', csrfToken)
        .send({ text: 'logged post', location: { type: 'Point', coordinates: [1, 2] } }),
    );
    expect(post.status).toBe(201);
    const refreshed = await track('POST', '/auth/refresh', api().post('/auth/refresh').send({ refreshToken }));
    expect(refreshed.status).toBe(200);
    const next = refreshed.body as { accessToken: string; refreshToken: string };

    // Bodies with a password that the service refuses: they must not end up in an error log either.
    const wrong = await track(
      'POST',
      '/auth/login',
      api().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: wrongPassword }),
    );
    expect(wrong.status).toBe(401);
    const invalid = await track(
      'POST',
      '/auth/register',
      api().post('/auth/register').send({ email, password: rejectedPassword, admin: true }),
    );
    expect(invalid.status).toBe(400);
    const changed = await track(
      'POST',
      '/auth/password',
      api()
        .post('/auth/password')
        .set('Authorization', `Bearer ${next.accessToken}`)
        .send({ currentPassword: password, newPassword }),
    );
    expect(changed.status).toBe(204);

    const ids = responses.map(({ res }) => res.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    await server.waitForOutput(() => ids.every((id) => requestLine(id) !== undefined));
    for (const { res, method, url } of responses) {
      expect(requestLine(res.headers['x-request-id'])).toEqual(
        expect.objectContaining({
          req: expect.objectContaining({ method, url }) as unknown,
          res: { statusCode: res.status },
        }),
      );
    }

    const cookieValue = cookie.slice('sid='.length);
    const secrets = {
      password,
      newPassword,
      wrongPassword,
      rejectedPassword,
      cookieValue,
      decodedCookieValue: decodeURIComponent(cookieValue),
      sessionId: sessionIdOf(cookie),
      csrfToken,
      accessToken,
      refreshToken,
      refreshedAccessToken: next.accessToken,
      refreshedRefreshToken: next.refreshToken,
      accessTokenSignature: accessToken.split('.')[2],
      refreshTokenSignature: refreshToken.split('.')[2],
    };
    // The audit trail's lines (`audit: true`) are part of that output, and name the account.
    const audited = server
      .logRecords()
      .filter((record: RequestRecord) => record.audit === true)
      .map((record: RequestRecord) => record.type);
    expect(audited).toEqual(
      expect.arrayContaining(['user.registered', 'login.succeeded', 'login.failed', 'password.changed']),
    );
    const output = server.output;
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, leaked: output.includes(secret) }).toEqual({ name, leaked: false });
    }
  });

  it('echoes a well-formed X-Request-Id and logs the request under it', async () => {
    const id = `e2e-${randomUUID()}`;
    const res = await request(server.url).get('/health').set('X-Request-Id', id).expect(200);
    expect(res.headers['x-request-id']).toBe(id);
    await server.waitForOutput(() => requestLine(id) !== undefined);
    expect(requestLine(id)).toEqual(
      expect.objectContaining({ req: expect.objectContaining({ method: 'GET', url: '/health' }) as unknown }),
    );
  });

  it.each([
    ['with spaces', 'not a request id'],
    ['with markup', '<script>alert(1)</script>'],
    ['too long', `x${'y'.repeat(64)}`],
    ['with JSON in it', '{"level":60,"msg":"forged"}'],
  ])('replaces a malformed X-Request-Id (%s) with its own, and never logs it', async (_label, incoming) => {
    const res = await request(server.url).get('/health').set('X-Request-Id', incoming).expect(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    await server.waitForOutput(() => requestLine(id) !== undefined);
    expect(server.output).not.toContain(incoming);
  });
});
