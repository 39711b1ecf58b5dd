import { createPublicKey, JsonWebKey } from 'node:crypto';
import type { Server } from 'node:http';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config/config.schema';
import { startApp, TestApp, usesTokens } from './support/app';
import { ApiClient, SignedUp } from './support/client';
import { expectError } from './support/http-error';
import { decodeJwt } from './support/jwt';
import { AsymmetricAlgorithm, KeyDir, keyEnv, KeyPairFiles } from './support/keys';

/**
 * GET /.well-known/jwks.json (API.md: public with RS256 and ES256, 404 with HS256) and
 * the asymmetric keys behind it: signing, verification by a third party from the JWKS
 * alone, rotation with previous public keys, and refusal of keys that do not fit.
 */

interface Jwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: string;
}

const ALGORITHMS: AsymmetricAlgorithm[] = ['RS256', 'ES256'];
/** Members of a private JWK (RFC 7518 §6.2.2, §6.3.2) and of a symmetric one (§6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC_MEMBERS: Record<AsymmetricAlgorithm, string[]> = {
  RS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
  ES256: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
};

async function jwksOf(http: Server): Promise<Jwk[]> {
  const res = await request(http).get('/.well-known/jwks.json').expect(200);
  expect(res.type).toBe('application/json');
  expect(Object.keys(res.body as object)).toEqual(['keys']);
  return (res.body as { keys: Jwk[] }).keys;
}

/** What a third party does: pick the key by the token's kid, verify with exactly that key's alg. */
function verifyWithJwks(token: string, keys: Jwk[], issuer: string, audience: string): jwt.JwtPayload {
  const { kid } = decodeJwt(token).header;
  const jwk = keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error(`no key with kid ${String(kid)} in the JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return jwt.verify(token, key, {
    algorithms: [jwk.alg as jwt.Algorithm],
    issuer,
    audience,
  }) as jwt.JwtPayload;
}

describe('JWKS', () => {
  let keys: KeyDir;
  let t: TestApp;

  beforeAll(async () => {
    keys = new KeyDir();
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
    keys.remove();
  });

  it('is 404 with HS256 (the default)', async () => {
    expect(t.config.jwt.algorithm).toBe('HS256');

    expectError(await request(t.http).get('/.well-known/jwks.json'), 404);
  });

  it('refuses RS256 and ES256 without key files, whatever the mode', () => {
    for (const algorithm of ALGORITHMS) {
      expect(() => loadConfig({ JWT_ALGORITHM: algorithm })).toThrow(ConfigError);
      try {
        loadConfig({ JWT_ALGORITHM: algorithm });
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([
          `JWT_PRIVATE_KEY_FILE: is required with JWT_ALGORITHM=${algorithm}`,
          `JWT_PUBLIC_KEY_FILE: is required with JWT_ALGORITHM=${algorithm}`,
        ]);
      }
    }
  });

  if (!usesTokens) {
    it('is 404 in session mode even with RS256 configured', async () => {
      const rs = await startApp(keyEnv(keys.generate('RS256')));
      try {
        expect(rs.config.jwt.algorithm).toBe('RS256');
        expectError(await request(rs.http).get('/.well-known/jwks.json'), 404);
      } finally {
        await rs.close();
      }
    });
  } else {
    describe.each(ALGORITHMS)('with %s', (algorithm) => {
      let pair: KeyPairFiles;
      let app: TestApp;
      let account: SignedUp;

      beforeAll(async () => {
        pair = keys.generate(algorithm);
        app = await startApp(keyEnv(pair));
        account = await ApiClient.signUp(app.http, 'bearer');
      });
      afterAll(() => app.close());

      it('issues tokens signed with it, with a kid, that work for a protected read', async () => {
        expect(decodeJwt(account.client.accessToken!).header).toEqual({
          alg: algorithm,
          typ: 'at+jwt',
          kid: expect.any(String) as unknown,
        });
        expect(decodeJwt(account.client.refreshToken!).header).toEqual({
          alg: algorithm,
          typ: 'refresh+jwt',
          kid: expect.any(String) as unknown,
        });

        await account.client.get('/posts').expect(200);
        expect((await account.client.get('/auth/me').expect(200)).body).toEqual(account.user);
      });

      it('publishes its public key, without credentials: kid, alg, use "sig", no private members', async () => {
        const published = await jwksOf(app.http);

        expect(published).toHaveLength(1);
        const [jwk] = published;
        const expected = pair.publicKey.export({ format: 'jwk' });
        expect(jwk).toEqual({
          ...expected,
          kid: decodeJwt(account.client.accessToken!).header.kid,
          alg: algorithm,
          use: 'sig',
        });
        expect(Object.keys(jwk).sort()).toEqual(PUBLIC_MEMBERS[algorithm]);
        expect(PRIVATE_MEMBERS.filter((member) => member in jwk)).toEqual([]);
        expect(jwk.kty).toBe(algorithm === 'RS256' ? 'RSA' : 'EC');
        if (algorithm === 'ES256') expect(jwk.crv).toBe('P-256');
      });

      it('lets a third party verify its tokens with nothing but the JWKS document', async () => {
        const published = await jwksOf(app.http);
        const { issuer, audience } = app.config.jwt;

        const payload = verifyWithJwks(account.client.accessToken!, published, issuer, audience);

        expect(payload).toMatchObject({ sub: account.user.id, iss: issuer, aud: audience });
        // The check is real: another key of the same kind does not verify it.
        const stranger = createPublicKey(keys.generate(algorithm).publicKeyPem);
        expect(() => jwt.verify(account.client.accessToken!, stranger, { algorithms: [algorithm] })).toThrow(
          jwt.JsonWebTokenError,
        );
      });
    });

    describe.each(ALGORITHMS)('key rotation with %s', (algorithm) => {
      let key1: KeyPairFiles;
      let key2: KeyPairFiles;
      /** A signs with key1; B with key2 and still accepts key1; C with key2 only. */
      let a: TestApp;
      let b: TestApp;
      let c: TestApp;
      let tokenOfA: string;

      beforeAll(async () => {
        key1 = keys.generate(algorithm);
        key2 = keys.generate(algorithm);
        a = await startApp(keyEnv(key1));
        tokenOfA = (await ApiClient.signUp(a.http, 'bearer')).client.accessToken!;
        b = await startApp(keyEnv(key2, [key1]));
        c = await startApp(keyEnv(key2));
      });
      afterAll(async () => {
        await Promise.all([a.close(), b.close(), c.close()]);
      });

      it("accepts the previous key's tokens where that key is listed, and lists both keys, current first", async () => {
        // GET /posts needs no account in B's own store: it proves the token alone is accepted.
        await request(b.http).get('/posts').set('Authorization', `Bearer ${tokenOfA}`).expect(200);

        const kidOfA = decodeJwt(tokenOfA).header.kid;
        const [kidOfA1] = (await jwksOf(a.http)).map((jwk) => jwk.kid);
        const listed = await jwksOf(b.http);
        expect(listed.map((jwk) => jwk.kid)).toEqual([(await jwksOf(c.http))[0].kid, kidOfA]);
        expect(kidOfA1).toBe(kidOfA);
        expect(verifyWithJwks(tokenOfA, listed, b.config.jwt.issuer, b.config.jwt.audience).sub).toBe(
          decodeJwt(tokenOfA).payload.sub,
        );
      });

      it('signs new tokens with the new key only', async () => {
        const tokenOfB = (await ApiClient.signUp(b.http, 'bearer')).client.accessToken!;

        expect(decodeJwt(tokenOfB).header.kid).toBe((await jwksOf(c.http))[0].kid);
        await request(c.http).get('/posts').set('Authorization', `Bearer ${tokenOfB}`).expect(200);
        // The app still on the old key does not know the new one.
        expectError(await request(a.http).get('/posts').set('Authorization', `Bearer ${tokenOfB}`), 401);
      });

      it("rejects the previous key's tokens where that key is not listed (401)", async () => {
        expect((await jwksOf(c.http)).map((jwk) => jwk.kid)).not.toContain(decodeJwt(tokenOfA).header.kid);

        expectError(await request(c.http).get('/posts').set('Authorization', `Bearer ${tokenOfA}`), 401);
      });
    });

    describe('refuses to start with keys that do not fit', () => {
      it.each<[string, () => Record<string, string>, RegExp]>([
        [
          'an RS256 public key that does not match the private key',
          () => ({ ...keyEnv(keys.generate('RS256')), JWT_PUBLIC_KEY_FILE: keys.generate('RS256').publicKeyFile }),
          /JWT_PUBLIC_KEY_FILE does not match JWT_PRIVATE_KEY_FILE/,
        ],
        [
          'an ES256 public key that does not match the private key',
          () => ({ ...keyEnv(keys.generate('ES256')), JWT_PUBLIC_KEY_FILE: keys.generate('ES256').publicKeyFile }),
          /JWT_PUBLIC_KEY_FILE does not match JWT_PRIVATE_KEY_FILE/,
        ],
        [
          'an RSA key under 2048 bits',
          () => keyEnv(keys.generate('RS256', { modulusLength: 1024 })),
          /RS256 needs RSA keys of at least 2048 bits/,
        ],
        [
          'an EC key on another curve than P-256',
          () => keyEnv(keys.generate('ES256', { namedCurve: 'secp384r1' })),
          /ES256 needs EC keys on the P-256 curve/,
        ],
        [
          'EC keys for RS256',
          () => ({ ...keyEnv(keys.generate('ES256')), JWT_ALGORITHM: 'RS256' }),
          /RS256 needs RSA keys/,
        ],
        [
          'a previous public key of another kind',
          () => keyEnv(keys.generate('ES256'), [keys.generate('RS256')]),
          /ES256 needs EC keys on the P-256 curve/,
        ],
        [
          'a key file that cannot be read',
          () => ({ ...keyEnv(keys.generate('RS256')), JWT_PRIVATE_KEY_FILE: `${keys.path}/missing.pem` }),
          /JWT_PRIVATE_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)/,
        ],
        [
          'a file that is not a key',
          () => ({ ...keyEnv(keys.generate('RS256')), JWT_PUBLIC_KEY_FILE: keys.write('not-a-key.pem', 'hello') }),
          /./,
        ],
      ])('%s', async (_label, env, message) => {
        let refusal: unknown;
        try {
          // An app that starts after all must not outlive the test.
          await (await startApp(env())).close();
        } catch (error) {
          refusal = error;
        }

        // Errors from node:crypto come from another realm than the spec's: no instanceof here.
        expect(refusal).toEqual(expect.objectContaining({ message: expect.stringMatching(message) as unknown }));
      });
    });
  }
});
