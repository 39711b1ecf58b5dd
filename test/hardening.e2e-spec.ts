import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startApp, STRATEGY, TestApp, usesSessions, usesTokens } from './support/app';
import { ApiClient, CREDENTIALS, PASSWORD, uniqueEmail } from './support/client';

/**
 * The rules of API.md that harden the edges: caching, bearer challenges, Unicode in emails,
 * passwords and post text, bounded error bodies, and where cookie requests may come from.
 */

const POST = { text: 'hello', location: { type: 'Point', coordinates: [2.2945, 48.8584] } };

describe(`hardening (${STRATEGY} mode)`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(() => t.close());

  describe('Cache-Control: no-store on every /auth/* response', () => {
    it.each(CREDENTIALS)('successes and failures alike, via %s', async (via) => {
      const { client, email } = await ApiClient.signUp(t.http, via);
      const responses = [
        await request(t.http).post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD }),
        await request(t.http).post('/auth/register').send({ email, password: PASSWORD }), // 409
        client.loginResponse!,
        await request(t.http).post('/auth/login').send({ email, password: 'wrong password' }), // 401
        await client.get('/auth/me'),
        await request(t.http).get('/auth/me'), // 401
        await client.get('/auth/sessions'),
        await request(t.http).get('/auth/no-such-route'), // 404
        ...(usesSessions ? [await request(t.http).get('/auth/csrf')] : []),
        ...(usesTokens ? [await request(t.http).post('/auth/refresh').send({ refreshToken: 'x.y.z' })] : []),
      ];
      for (const res of responses) expect([res.status, res.headers['cache-control']]).toEqual([res.status, 'no-store']);
    });
  });

  describe('WWW-Authenticate on 401', () => {
    if (usesTokens) {
      it('says Bearer without a credential, and invalid_token for a refused bearer token', async () => {
        const none = await request(t.http).get('/auth/me').expect(401);
        expect(none.headers['www-authenticate']).toBe('Bearer');
        const badLogin = await request(t.http).post('/auth/login').send({ email: uniqueEmail(), password: PASSWORD });
        expect(badLogin.status).toBe(401);
        expect(badLogin.headers['www-authenticate']).toBe('Bearer');
        for (const header of ['Bearer not-a-token', 'Bearer a.b.c', 'Bearer  two  spaces']) {
          const refused = await request(t.http).get('/posts').set('Authorization', header).expect(401);
          expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
        }
        // Revoked: logged out.
        const { client } = await ApiClient.signUp(t.http, 'bearer');
        await client.post('/auth/logout').expect(204);
        const revoked = await client.get('/auth/me').expect(401);
        expect(revoked.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      });
    } else {
      it('is absent in session mode: cookies are not an HTTP authentication scheme', async () => {
        const res = await request(t.http).get('/auth/me').expect(401);
        expect(res.headers['www-authenticate']).toBeUndefined();
      });
    }
  });

  describe('emails and passwords as people type them', () => {
    it('folds NFKC look-alikes of an email into one account (409), and logs it in', async () => {
      const local = `ann-${randomUUID()}`;
      await request(t.http)
        .post('/auth/register')
        .send({ email: `${local}@example.com`, password: PASSWORD })
        .expect(201);
      // Full-width letters are the same address after NFKC.
      const fullWidth = `${local}@ｅｘａｍｐｌｅ.com`;
      await request(t.http).post('/auth/register').send({ email: fullWidth, password: PASSWORD }).expect(409);
      await request(t.http).post('/auth/login').send({ email: fullWidth, password: PASSWORD }).expect(200);
    });

    it.each([
      ['a zero-width space', '\u200b'],
      ['a zero-width joiner', '\u200d'],
      ['a right-to-left override', '\u202e'],
      ['a byte-order mark', '\ufeff'],
      ['a soft hyphen', '\u00ad'],
      ['a control character', '\u0007'],
      ['a Hangul filler', '\u3164'],
    ])('refuses an email with %s (400): no second account that looks like the first', async (_label, char) => {
      const email = uniqueEmail('ann');
      await request(t.http).post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      const [local, domain] = email.split('@');
      const res = await request(t.http)
        .post('/auth/register')
        .send({ email: `${local}${char}@${domain}`, password: PASSWORD })
        .expect(400);
      expect(JSON.stringify(res.body)).toMatch(/email must not contain invisible/);
    });

    it('matches a password typed in another Unicode form (NFKC before hashing and verifying)', async () => {
      const email = uniqueEmail('unicode');
      // "ﬁ" (one ligature code point) and "Ⅻ" (a Roman numeral) become "fi" and "XII" under NFKC.
      await request(t.http).post('/auth/register').send({ email, password: 'ﬁne wine Ⅻ years' }).expect(201);
      await request(t.http).post('/auth/login').send({ email, password: 'fine wine XII years' }).expect(200);
      await request(t.http).post('/auth/login').send({ email, password: 'ﬁne wine Ⅻ years' }).expect(200);
      await request(t.http).post('/auth/login').send({ email, password: 'fine wine 12 years' }).expect(401);
    });
  });

  describe('post text that cannot be stored as sent', () => {
    it.each(CREDENTIALS)('is a 400 for a lone surrogate or NUL, on create and update (via %s)', async (via) => {
      const { client } = await ApiClient.signUp(t.http, via);
      const created = await client.post('/posts').send(POST).expect(201);
      const id = (created.body as { id: string }).id;
      for (const text of ['\\ud800 alone', 'tail \\udfff', 'nul \\u0000 inside']) {
        const raw = `{"text":"${text}","location":${JSON.stringify(POST.location)}}`;
        const create = await client.post('/posts').set('Content-Type', 'application/json').send(raw).expect(400);
        expect(JSON.stringify(create.body)).toMatch(/text must not contain lone surrogates or NUL/);
        await client
          .patch(`/posts/${id}`)
          .set('Content-Type', 'application/json')
          .send(`{"text":"${text}"}`)
          .expect(400);
      }
      // A surrogate pair (an emoji) is text like any other.
      await client
        .post('/posts')
        .send({ ...POST, text: 'coffee ☕ and 😀' })
        .expect(201);
    });
  });

  it('answers thousands of unknown fields with one short 400 (at most 10 messages)', async () => {
    const body: Record<string, unknown> = { email: uniqueEmail(), password: PASSWORD };
    for (let i = 0; i < 5000; i++) body[`field${i}`] = i;
    const res = await request(t.http).post('/auth/register').send(body).expect(400);
    const { message } = res.body as { message: string[] };
    expect(message).toHaveLength(10);
    expect(JSON.stringify(res.body).length).toBeLessThan(1000);
  });

  if (usesSessions) {
    describe('where a cookie-authenticated unsafe request may come from', () => {
      let client: ApiClient;
      beforeAll(async () => {
        ({ client } = await ApiClient.signUp(t.http, 'cookie'));
      });

      it.each([
        ['another site', { Origin: 'https://evil.example' }],
        ['a look-alike of the listed origin', { Origin: 'https://app.example.com.evil.example' }],
        ['the null origin', { Origin: 'null' }],
        ['no Origin, and the browser says cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ])('refuses %s (403), before the CSRF token is looked at', async (_label, headers) => {
        const res = await client.post('/posts').set(headers).send(POST).expect(403);
        expect((res.body as { message: string }).message).toBe('Cross-site request refused');
      });

      it.each([
        ['the API itself', { Host: 'api.example.test', Origin: 'http://api.example.test' }],
        ['a listed front end', { Origin: 'https://app.example.com' }],
        ['the same site', { 'Sec-Fetch-Site': 'same-site' }],
        ['no Origin nor Sec-Fetch-Site (curl, servers)', {}],
      ])('accepts %s, with its CSRF token', async (_label, headers: Record<string, string>) => {
        await client.post('/posts').set(headers).send(POST).expect(201);
      });

      it('still needs the CSRF token when the origin is right', async () => {
        const res = await request(t.http)
          .post('/posts')
          .set('Cookie', client.loginResponse!.headers['set-cookie'] as unknown as string[])
          .set('Origin', 'https://app.example.com')
          .send(POST)
          .expect(403);
        expect((res.body as { message: string }).message).toBe('Invalid or missing CSRF token');
      });

      if (usesTokens) {
        it('judges bearer requests by their token alone, whatever their Origin', async () => {
          const { client: bearer } = await ApiClient.signUp(t.http, 'bearer');
          await bearer.post('/posts').set('Origin', 'https://evil.example').send(POST).expect(201);
        });
      }
    });
  }
});
