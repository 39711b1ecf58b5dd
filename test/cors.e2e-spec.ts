import request from 'supertest';
import { startApp, TestApp } from './support/app';
import { ApiClient, CREDENTIALS } from './support/client';

const ALLOWED = 'http://localhost:5173';
const ALSO_ALLOWED = 'https://app.example.com';
/** Near misses of the allowed origins: none of them may be let in or reflected. */
const UNKNOWN = [
  'https://evil.example',
  'http://localhost:5174',
  'https://localhost:5173',
  'http://localhost:5173.evil.example',
  'http://127.0.0.1:5173',
  'https://app.example.com.evil.example',
  'null',
];
const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
];

function preflight(t: TestApp, origin: string, path = '/auth/login'): request.Test {
  return request(t.http)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type,x-csrf-token');
}

function expectNoCors(res: request.Response): void {
  for (const header of CORS_RESPONSE_HEADERS) expect(res.headers).not.toHaveProperty(header);
}

describe('CORS', () => {
  describe(`CORS_ORIGINS=${ALLOWED},${ALSO_ALLOWED}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ CORS_ORIGINS: `${ALLOWED},${ALSO_ALLOWED}` });
    });
    afterAll(() => t.close());

    it.each([ALLOWED, ALSO_ALLOWED])('a listed origin (%s) gets itself back, with credentials', async (origin) => {
      const res = await request(t.http).get('/health').set('Origin', origin).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers.vary).toMatch(/\bOrigin\b/i);
    });

    it('a listed origin can read error responses too (401 on a protected route)', async () => {
      const res = await request(t.http).get('/auth/me').set('Origin', ALLOWED).expect(401);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it.each(CREDENTIALS)('a listed origin gets the headers on authenticated requests via %s', async (via) => {
      const { client } = await ApiClient.signUp(t.http, via);
      const res = await client.get('/auth/me').set('Origin', ALLOWED).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('a preflight from a listed origin allows POST with Content-Type and X-CSRF-Token', async () => {
      const res = await preflight(t, ALLOWED);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const methods = res.headers['access-control-allow-methods'].toUpperCase().split(/\s*,\s*/);
      expect(methods).toEqual(expect.arrayContaining(['POST', 'PATCH', 'DELETE']));
      const headers = res.headers['access-control-allow-headers'].toLowerCase().split(/\s*,\s*/);
      expect(headers).toEqual(expect.arrayContaining(['content-type', 'x-csrf-token', 'authorization']));
    });

    it('a preflight for a protected route is answered without a credential (never 401)', async () => {
      const res = await preflight(t, ALLOWED, '/posts');
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    });

    it.each(UNKNOWN)('an unknown origin (%s) gets no CORS headers on a simple request', async (origin) => {
      const res = await request(t.http).get('/health').set('Origin', origin).expect(200);
      expectNoCors(res);
    });

    it.each(UNKNOWN)('an unknown origin (%s) gets no CORS headers on a preflight', async (origin) => {
      const res = await preflight(t, origin);
      expectNoCors(res);
    });

    it('a request without Origin (same-origin or not a browser) gets no CORS headers', async () => {
      expectNoCors(await request(t.http).get('/health').expect(200));
    });
  });

  describe('CORS_ORIGINS empty (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ CORS_ORIGINS: '' });
    });
    afterAll(() => t.close());

    it('nobody gets CORS headers, on simple requests or preflights', async () => {
      for (const origin of [ALLOWED, ALSO_ALLOWED, 'https://evil.example']) {
        expectNoCors(await request(t.http).get('/health').set('Origin', origin).expect(200));
        expectNoCors(await preflight(t, origin));
      }
    });
  });
});
