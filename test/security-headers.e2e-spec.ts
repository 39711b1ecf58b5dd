import request from 'supertest';
import { ApiClient, CREDENTIALS, findSetCookie, PASSWORD, uniqueEmail } from './support/client';
import { startApp, TestApp, usesSessions } from './support/app';

/** What helmet sets on every response, here over plain HTTP (COOKIE_SECURE off). */
const HELMET_HEADERS: Record<string, string | RegExp> = {
  'content-security-policy': /^default-src 'self';/,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers and cookie names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it.each(['/health', '/auth/me', '/posts/near?lng=x', '/no-such-route'])('helmet headers on %s', async (path) => {
    const res = await request(t.http).get(path);
    for (const [header, expected] of Object.entries(HELMET_HEADERS)) {
      if (typeof expected === 'string') expect([header, res.headers[header]]).toEqual([header, expected]);
      else expect(res.headers[header]).toMatch(expected);
    }
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('over plain HTTP: no HSTS and no upgrade of every request to https (Swagger UI would go blank)', async () => {
    const res = await request(t.http).get('/health');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it.each(CREDENTIALS)('authenticated responses carry the same headers (%s)', async (via) => {
    const { client } = await ApiClient.signUp(t.http, via);
    const res = await client.get('/auth/me').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  describe('behind TLS (COOKIE_SECURE=true)', () => {
    let secure: TestApp;
    beforeAll(async () => {
      secure = await startApp({ COOKIE_SECURE: 'true' });
    });
    afterAll(() => secure.close());

    it('adds HSTS and upgrade-insecure-requests', async () => {
      const res = await request(secure.http).get('/health').set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    });

    it('names the cookies with the __Host- prefix: Secure, Path=/, no Domain', async () => {
      const email = uniqueEmail('host');
      await request(secure.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      const login = await request(secure.http)
        .post('/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ email, password: PASSWORD })
        .expect(200);
      const cookie = findSetCookie(login, '__Host-sid');
      if (!usesSessions) {
        expect(cookie).toBeUndefined();
        return;
      }
      expect(cookie).toMatch(/; Path=\/;/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
      expect(findSetCookie(login, 'sid')).toBeUndefined();
      const csrf = await request(secure.http)
        .get('/auth/csrf')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', cookie!.split(';')[0])
        .expect(200);
      expect(findSetCookie(csrf, '__Host-csrf')).toMatch(/; Secure/);
    });

    it('keeps the plain name when COOKIE_HOST_PREFIX=false', async () => {
      const plain = await startApp({ COOKIE_SECURE: 'true', COOKIE_HOST_PREFIX: 'false' });
      try {
        expect(plain.config.session.cookieName).toBe('sid');
        expect(secure.config.session.cookieName).toBe('__Host-sid');
      } finally {
        await plain.close();
      }
    });
  });
});
