import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { DEV_JWT_SECRET } from '../src/config/config.schema';
import { startApp, STRATEGY, TestApp, usesTokens } from './support/app';
import { ApiClient, SignedUp } from './support/client';
import { expectError } from './support/http-error';
import {
  decodeJwt,
  flipChar,
  forgeJwt,
  hmacSigner,
  JsonObject,
  keySigner,
  noSignature,
  base64url,
  tokenClaims,
} from './support/jwt';
import { KeyDir, keyEnv, KeyPairFiles } from './support/keys';

/**
 * Bearer tokens (API.md: jwt and both modes): the pair, rotation, reuse detection,
 * revocation, and every kind of forged or malformed token (401, never a 500).
 * Session mode has no tokens at all: no refresh route, and a bearer token proves nothing.
 */

const ACCESS_HEADER = { alg: 'HS256', typ: 'at+jwt' };
const REFRESH_HEADER = { alg: 'HS256', typ: 'refresh+jwt' };

function withBearer(http: Server, authorization: string, path = '/auth/me'): request.Test {
  return request(http).get(path).set('Authorization', authorization);
}

function refresh(http: Server, refreshToken: unknown): request.Test {
  return request(http).post('/auth/refresh').send({ refreshToken });
}

interface TokenPairBody {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

/** A second, independent login of an existing account: a refresh family of its own. */
async function loginAgain(http: Server, account: SignedUp): Promise<ApiClient> {
  const client = ApiClient.anonymous(http, 'bearer');
  await client.login(account.email, account.password);
  return client;
}

describe('tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  if (!usesTokens) {
    describe('session mode: no tokens', () => {
      it('has no POST /auth/refresh (404)', async () => {
        expectError(await refresh(t.http, 'a.b.c'), 404);
        expectError(await request(t.http).post('/auth/refresh').send({}), 404);
      });

      it('gives no tokens at login', async () => {
        const { client, user } = await ApiClient.signUp(t.http, 'cookie');

        expect(client.loginBody).toEqual({ user });
      });

      it.each([
        ['a token signed with the dev JWT secret, as jwt mode would issue it', true],
        ['a garbage token', false],
      ])('refuses %s on its own (401)', async (_label, wellFormed) => {
        const { user } = await ApiClient.signUp(t.http, 'cookie');
        const token = wellFormed
          ? forgeJwt(ACCESS_HEADER, tokenClaims(user.id, t.config), hmacSigner(DEV_JWT_SECRET))
          : 'not-a-token';

        expectError(await withBearer(t.http, `Bearer ${token}`), 401);
        expectError(await withBearer(t.http, `Bearer ${token}`, '/posts'), 401);
      });
    });
  } else {
    describe('the token pair', () => {
      it('login returns accessToken, refreshToken, tokenType Bearer and expiresIn = JWT_ACCESS_TTL', async () => {
        const { client, user } = await ApiClient.signUp(t.http, 'bearer');

        expect(t.config.jwt.accessTtl).toBe(900); // the default of CONFIG.md
        expect(client.loginBody).toEqual({
          user,
          accessToken: expect.any(String) as unknown,
          refreshToken: expect.any(String) as unknown,
          tokenType: 'Bearer',
          expiresIn: 900,
        });
        const access = decodeJwt(client.accessToken!);
        const refreshToken = decodeJwt(client.refreshToken!);
        expect(access.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
        expect(refreshToken.header).toEqual({ alg: 'HS256', typ: 'refresh+jwt' });
        expect(access.payload).toMatchObject({ sub: user.id, iss: 'nest-dual-auth', aud: 'nest-dual-auth' });
        expect(Number(access.payload.exp) - Number(access.payload.iat)).toBe(900);
        expect(Number(refreshToken.payload.exp) - Number(refreshToken.payload.iat)).toBe(t.config.jwt.refreshTtl);
        expect((await client.get('/auth/me').expect(200)).body).toEqual(user);
      });

      it('follows JWT_ACCESS_TTL', async () => {
        const shortLived = await startApp({ JWT_ACCESS_TTL: '120' });
        try {
          const { client } = await ApiClient.signUp(shortLived.http, 'bearer');

          expect(client.loginBody.expiresIn).toBe(120);
          const { payload } = decodeJwt(client.accessToken!);
          expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
          const refreshed = (await refresh(shortLived.http, client.refreshToken).expect(200)).body as TokenPairBody;
          expect(refreshed.expiresIn).toBe(120);
        } finally {
          await shortLived.close();
        }
      });
    });

    describe('refresh', () => {
      it('rotates: each refresh returns a new working pair, and the chain goes on', async () => {
        const { client, user } = await ApiClient.signUp(t.http, 'bearer');

        const first = (await refresh(t.http, client.refreshToken).expect(200)).body as TokenPairBody;
        const second = (await refresh(t.http, first.refreshToken).expect(200)).body as TokenPairBody;

        for (const pair of [first, second]) {
          expect(pair).toEqual({
            accessToken: expect.any(String) as unknown,
            refreshToken: expect.any(String) as unknown,
            tokenType: 'Bearer',
            expiresIn: 900,
          });
          expect((await withBearer(t.http, `Bearer ${pair.accessToken}`).expect(200)).body).toEqual(user);
        }
        expect(new Set([client.refreshToken, first.refreshToken, second.refreshToken]).size).toBe(3);
        expect(new Set([client.accessToken, first.accessToken, second.accessToken]).size).toBe(3);
      });

      it('makes the old refresh token worthless (401)', async () => {
        const { client } = await ApiClient.signUp(t.http, 'bearer');

        await refresh(t.http, client.refreshToken).expect(200);

        expectError(await refresh(t.http, client.refreshToken), 401);
      });

      it('on reuse of a rotated token ends the whole family; another login of the same user is unaffected', async () => {
        const account = await ApiClient.signUp(t.http, 'bearer');
        const other = await loginAgain(t.http, account);
        const newer = (await refresh(t.http, account.client.refreshToken).expect(200)).body as TokenPairBody;

        expectError(await refresh(t.http, account.client.refreshToken), 401); // the replay

        expectError(await refresh(t.http, newer.refreshToken), 401);
        expectError(await withBearer(t.http, `Bearer ${newer.accessToken}`), 401);
        expectError(await withBearer(t.http, `Bearer ${account.client.accessToken}`), 401);
        // The other family lives on.
        await other.get('/auth/me').expect(200);
        const rotated = (await refresh(t.http, other.refreshToken).expect(200)).body as TokenPairBody;
        await withBearer(t.http, `Bearer ${rotated.accessToken}`).expect(200);
      });

      it('lets exactly one of two concurrent refreshes with the same token win', async () => {
        const { client } = await ApiClient.signUp(t.http, 'bearer');

        const results = await Promise.all([refresh(t.http, client.refreshToken), refresh(t.http, client.refreshToken)]);

        expect(results.map((res) => res.status).sort()).toEqual([200, 401]);
      });

      it('refuses an access token as a refresh token (401) and leaves the family alone', async () => {
        const { client } = await ApiClient.signUp(t.http, 'bearer');

        expectError(await refresh(t.http, client.accessToken), 401);

        await refresh(t.http, client.refreshToken).expect(200);
      });

      it('refuses a refresh token as an access token (401)', async () => {
        const { client } = await ApiClient.signUp(t.http, 'bearer');

        expectError(await withBearer(t.http, `Bearer ${client.refreshToken}`), 401);
        expectError(await withBearer(t.http, `Bearer ${client.refreshToken}`, '/posts'), 401);
      });

      describe('forged refresh tokens (401)', () => {
        let account: SignedUp;
        let family: JsonObject;

        beforeAll(async () => {
          account = await ApiClient.signUp(t.http, 'bearer');
          const { payload } = decodeJwt(account.client.refreshToken!);
          family = { sub: payload.sub, fam: payload.fam };
        });

        it.each<[string, () => string]>([
          [
            'signed right, for a family the server never issued',
            () => forgeJwt(REFRESH_HEADER, tokenClaims(account.user.id, t.config), hmacSigner(DEV_JWT_SECRET)),
          ],
          [
            'signed right, for the live family, but expired',
            () =>
              forgeJwt(
                REFRESH_HEADER,
                tokenClaims(account.user.id, t.config, { ...family, exp: Math.floor(Date.now() / 1000) - 10 }),
                hmacSigner(DEV_JWT_SECRET),
              ),
          ],
          [
            'alg none, for the live family',
            () =>
              forgeJwt(
                { alg: 'none', typ: 'refresh+jwt' },
                tokenClaims(account.user.id, t.config, family),
                noSignature,
              ),
          ],
          [
            'the real one with a tampered signature',
            () => {
              const [header, payload, signature] = account.client.refreshToken!.split('.');
              return `${header}.${payload}.${flipChar(signature)}`;
            },
          ],
          [
            'the real one with typ at+jwt',
            () => {
              const [, payload, signature] = account.client.refreshToken!.split('.');
              return `${base64url(ACCESS_HEADER)}.${payload}.${signature}`;
            },
          ],
        ])('%s', async (_label, make) => {
          expectError(await refresh(t.http, make()), 401);
        });
      });
    });

    describe('logout', () => {
      it('revokes the family, and with JWT_REVOCATION=denylist (the default) the access token', async () => {
        const { client } = await ApiClient.signUp(t.http, 'bearer');
        expect(t.config.jwt.revocation).toBe('denylist');

        await client.post('/auth/logout').send({}).expect(204);

        expectError(await client.get('/auth/me'), 401);
        expectError(await client.get('/posts'), 401);
        expectError(await refresh(t.http, client.refreshToken), 401);
      });

      it("also ends another of the caller's families named by refreshToken", async () => {
        const account = await ApiClient.signUp(t.http, 'bearer');
        const other = await loginAgain(t.http, account);

        await account.client.post('/auth/logout').send({ refreshToken: other.refreshToken }).expect(204);

        expectError(await refresh(t.http, other.refreshToken), 401);
        expectError(await other.get('/auth/me'), 401);
      });

      it("leaves another user's family alone when its refresh token is named", async () => {
        const caller = await ApiClient.signUp(t.http, 'bearer');
        const victim = await ApiClient.signUp(t.http, 'bearer');

        await caller.client.post('/auth/logout').send({ refreshToken: victim.client.refreshToken }).expect(204);

        await victim.client.get('/auth/me').expect(200);
        await refresh(t.http, victim.client.refreshToken).expect(200);
      });

      it('with JWT_REVOCATION=none leaves the access token valid until it expires (stateless) but revokes the refresh token', async () => {
        const stateless = await startApp({ JWT_REVOCATION: 'none' });
        try {
          const { client, user } = await ApiClient.signUp(stateless.http, 'bearer');

          await client.post('/auth/logout').send({}).expect(204);

          expect((await client.get('/auth/me').expect(200)).body).toEqual(user);
          expectError(await refresh(stateless.http, client.refreshToken), 401);
        } finally {
          await stateless.close();
        }
      });
    });

    describe('forged and malformed access tokens (HS256)', () => {
      let alice: SignedUp;
      let bob: SignedUp;
      const now = () => Math.floor(Date.now() / 1000);
      const signed = (payload: JsonObject, header: JsonObject = ACCESS_HEADER, secret = DEV_JWT_SECRET) =>
        forgeJwt(header, payload, hmacSigner(secret));
      const claims = (overrides: JsonObject = {}) => tokenClaims(alice.user.id, t.config, overrides);
      /** Alice's real access token with one part replaced. */
      const realParts = () => {
        const [header, payload, signature] = alice.client.accessToken!.split('.');
        return { header, payload, signature, decoded: decodeJwt(alice.client.accessToken!).payload };
      };

      beforeAll(async () => {
        alice = await ApiClient.signUp(t.http, 'bearer');
        bob = await ApiClient.signUp(t.http, 'bearer');
      });

      it('accepts a token signed with the app key and every claim right (so each attack below fails for its own reason)', async () => {
        expect(t.config.jwt.secret).toBe(DEV_JWT_SECRET);

        expect((await withBearer(t.http, `Bearer ${signed(claims())}`).expect(200)).body).toEqual(alice.user);
      });

      it.each<[string, () => string]>([
        [
          'a tampered payload (another user as sub)',
          () => {
            const { header, signature, decoded } = realParts();
            return `${header}.${base64url({ ...decoded, sub: bob.user.id })}.${signature}`;
          },
        ],
        [
          'a tampered payload (a later exp)',
          () => {
            const { header, signature, decoded } = realParts();
            return `${header}.${base64url({ ...decoded, exp: Number(decoded.exp) + 3600 })}.${signature}`;
          },
        ],
        [
          'a tampered signature',
          () => {
            const { header, payload, signature } = realParts();
            return `${header}.${payload}.${flipChar(signature)}`;
          },
        ],
        [
          'no signature',
          () => {
            const { header, payload } = realParts();
            return `${header}.${payload}.`;
          },
        ],
        ['alg none', () => forgeJwt({ alg: 'none', typ: 'at+jwt' }, claims(), noSignature)],
        ['alg None', () => forgeJwt({ alg: 'None', typ: 'at+jwt' }, claims(), noSignature)],
        [
          'alg none over the real payload',
          () => `${base64url({ alg: 'none', typ: 'at+jwt' })}.${realParts().payload}.`,
        ],
        [
          'HS512 with the same secret',
          () => forgeJwt({ alg: 'HS512', typ: 'at+jwt' }, claims(), hmacSigner(DEV_JWT_SECRET, 'sha512')),
        ],
        [
          'HS384 with the same secret',
          () => forgeJwt({ alg: 'HS384', typ: 'at+jwt' }, claims(), hmacSigner(DEV_JWT_SECRET, 'sha384')),
        ],
        [
          'RS256 with some RSA key',
          () =>
            forgeJwt(
              { alg: 'RS256', typ: 'at+jwt' },
              claims(),
              keySigner('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
            ),
        ],
        ['a wrong key', () => signed(claims(), ACCESS_HEADER, 'another-secret-that-is-long-enough-to-be-valid')],
        ['expired', () => signed(claims({ iat: now() - 120, exp: now() - 60 }))],
        ['not valid yet (nbf in an hour)', () => signed(claims({ nbf: now() + 3600 }))],
        ['a wrong issuer', () => signed(claims({ iss: 'someone-else' }))],
        ['a wrong audience', () => signed(claims({ aud: 'another-service' }))],
        ['no exp', () => signed(claims({ exp: undefined }))],
        ['exp as a string', () => signed(claims({ exp: String(now() + 300) }))],
        ['no sub', () => signed(claims({ sub: undefined }))],
        ['sub not a string', () => signed(claims({ sub: 42 }))],
        ['no jti', () => signed(claims({ jti: undefined }))],
        ['no fam', () => signed(claims({ fam: undefined }))],
        ['no typ header', () => signed(claims(), { alg: 'HS256' })],
        ["typ 'JWT'", () => signed(claims(), { alg: 'HS256', typ: 'JWT' })],
        ["typ 'refresh+jwt'", () => signed(claims(), REFRESH_HEADER)],
        ['a header that is not JSON', () => `${base64url('not json')}.${realParts().payload}.${realParts().signature}`],
        ['a JSON array as header', () => `${base64url('[]')}.${realParts().payload}.${realParts().signature}`],
      ])('refuses %s (401)', async (_label, make) => {
        const token = make();

        expectError(await withBearer(t.http, `Bearer ${token}`), 401);
        expectError(await withBearer(t.http, `Bearer ${token}`, '/posts'), 401);
      });

      it.each<[string, () => string]>([
        ['Bearer', () => 'Bearer'],
        ['Bearer followed by a space', () => 'Bearer '],
        ['Bearer a.b', () => 'Bearer a.b'],
        ['Bearer a.b.c', () => 'Bearer a.b.c'],
        ['Bearer and 10 kB of garbage', () => `Bearer ${'a'.repeat(10 * 1024)}`],
        [
          'Bearer and a 10 kB JWT-shaped token',
          () =>
            `Bearer ${signed(claims({ pad: 'x'.repeat(10 * 1024) }), ACCESS_HEADER, 'wrong-secret-wrong-secret-wrong-secret')}`,
        ],
        ['Bearer and two tokens', () => `Bearer ${alice.client.accessToken} ${alice.client.accessToken}`],
        ['Bearer, a tab and a valid token', () => `Bearer\t${alice.client.accessToken}`],
        ['Basic xyz', () => 'Basic xyz'],
        ['a valid token without a scheme', () => alice.client.accessToken!],
      ])('refuses the Authorization header "%s" (401)', async (_label, make) => {
        expectError(await withBearer(t.http, make()), 401);
      });

      // RFC 9110 §11.1: the scheme is case-insensitive; JwtMechanism matches it so.
      it.each<[string, () => string]>([
        ['bearer <token> (lower case)', () => `bearer ${alice.client.accessToken}`],
        ['BEARER <token> (upper case)', () => `BEARER ${alice.client.accessToken}`],
        ['Bearer and two spaces', () => `Bearer  ${alice.client.accessToken}`],
      ])('accepts %s', async (_label, make) => {
        expect((await withBearer(t.http, make()).expect(200)).body).toEqual(alice.user);
      });
    });

    describe('forged access tokens for an RS256 app', () => {
      let keys: KeyDir;
      let pair: KeyPairFiles;
      let rs: TestApp;
      let account: SignedUp;
      let kid: string;
      const claims = () => tokenClaims(account.user.id, rs.config);

      beforeAll(async () => {
        keys = new KeyDir();
        pair = keys.generate('RS256');
        rs = await startApp(keyEnv(pair));
        account = await ApiClient.signUp(rs.http, 'bearer');
        kid = String(decodeJwt(account.client.accessToken!).header.kid);
      });
      afterAll(async () => {
        await rs.close();
        keys.remove();
      });

      it('accepts a token signed with its private key, its kid and every claim right', async () => {
        expect(decodeJwt(account.client.accessToken!).header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid });
        const token = forgeJwt({ alg: 'RS256', typ: 'at+jwt', kid }, claims(), keySigner('RS256', pair.privateKey));

        expect((await withBearer(rs.http, `Bearer ${token}`).expect(200)).body).toEqual(account.user);
      });

      it.each<[string, () => string]>([
        [
          'HS256 signed with the public key PEM as HMAC secret (key confusion), with the kid',
          () => forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid }, claims(), hmacSigner(pair.publicKeyPem)),
        ],
        [
          'HS256 signed with the public key PEM as HMAC secret, without a kid',
          () => forgeJwt({ alg: 'HS256', typ: 'at+jwt' }, claims(), hmacSigner(pair.publicKeyPem)),
        ],
        ['HS256 signed with the dev JWT secret', () => forgeJwt(ACCESS_HEADER, claims(), hmacSigner(DEV_JWT_SECRET))],
        [
          'RS256 signed with another key under its kid',
          () =>
            forgeJwt(
              { alg: 'RS256', typ: 'at+jwt', kid },
              claims(),
              keySigner('RS256', keys.generate('RS256').privateKey),
            ),
        ],
        [
          'ES256 under its kid',
          () =>
            forgeJwt(
              { alg: 'ES256', typ: 'at+jwt', kid },
              claims(),
              keySigner('ES256', keys.generate('ES256').privateKey),
            ),
        ],
        ['alg none under its kid', () => forgeJwt({ alg: 'none', typ: 'at+jwt', kid }, claims(), noSignature)],
        [
          'RS256 with an unknown kid',
          () =>
            forgeJwt(
              { alg: 'RS256', typ: 'at+jwt', kid: 'not-a-key-of-ours' },
              claims(),
              keySigner('RS256', pair.privateKey),
            ),
        ],
      ])('refuses %s (401)', async (_label, make) => {
        expectError(await withBearer(rs.http, `Bearer ${make()}`), 401);
      });
    });

    if (STRATEGY === 'both') {
      describe('both mode: the bearer is judged first and fails closed', () => {
        let account: SignedUp;
        let revoked: string;

        beforeAll(async () => {
          account = await ApiClient.signUp(t.http, 'cookie');
          const loggedOut = await ApiClient.signUp(t.http, 'bearer');
          revoked = loggedOut.client.accessToken!;
          await loggedOut.client.post('/auth/logout').send({}).expect(204);
        });

        it.each<[string, () => string]>([
          ['Bearer garbage', () => 'Bearer garbage'],
          ['Bearer alone', () => 'Bearer'],
          ['Bearer and two tokens', () => 'Bearer a.b.c d.e.f'],
          ['Bearer, a tab and a token', () => 'Bearer\tgarbage'],
          [
            'an expired token',
            () =>
              `Bearer ${forgeJwt(ACCESS_HEADER, tokenClaims(account.user.id, t.config, { exp: Math.floor(Date.now() / 1000) - 60 }), hmacSigner(DEV_JWT_SECRET))}`,
          ],
          [
            'alg none',
            () =>
              `Bearer ${forgeJwt({ alg: 'none', typ: 'at+jwt' }, tokenClaims(account.user.id, t.config), noSignature)}`,
          ],
          ['a revoked token', () => `Bearer ${revoked}`],
        ])('refuses an invalid bearer (%s) even with a valid session cookie (401)', async (_label, make) => {
          expectError(await account.client.agent.get('/auth/me').set('Authorization', make()), 401);

          // The cookie alone is fine.
          expect((await account.client.agent.get('/auth/me').expect(200)).body).toEqual(account.user);
        });

        it('accepts a valid bearer with no cookie', async () => {
          const { client, user } = await ApiClient.signUp(t.http, 'bearer');

          const res = await withBearer(t.http, `Bearer ${client.accessToken}`).expect(200);

          expect(res.body).toEqual(user);
        });
      });
    }
  }
});
