import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/config.schema';
import { JwtKeys } from './jwt-keys';

const dir = mkdtempSync(join(tmpdir(), 'jwt-keys-'));

function pemPair(name: string, type: 'rsa' | 'ec', options: object): { privateFile: string; publicFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  const privateFile = join(dir, `${name}.key`);
  const publicFile = join(dir, `${name}.pub`);
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateFile, publicFile };
}

const es1 = pemPair('es1', 'ec', { namedCurve: 'P-256' });
const es2 = pemPair('es2', 'ec', { namedCurve: 'P-256' });
const es384 = pemPair('es384', 'ec', { namedCurve: 'P-384' });
const rsaSmall = pemPair('rsa1024', 'rsa', { modulusLength: 1024 });

const jwtConfig = (env: Record<string, string>) => loadConfig(env).jwt;

describe('JwtKeys', () => {
  it('uses one imported secret key for HS256 and publishes nothing', () => {
    const keys = JwtKeys.load(jwtConfig({}));
    expect(keys.signingKey.type).toBe('secret');
    expect(keys.jwks).toEqual([]);
    expect(keys.verifyingKey(undefined)).toBe(keys.signingKey);
  });

  it('publishes the current and previous public keys with RFC 7638 thumbprints as kid', () => {
    const keys = JwtKeys.load(
      jwtConfig({
        JWT_ALGORITHM: 'ES256',
        JWT_PRIVATE_KEY_FILE: es2.privateFile,
        JWT_PUBLIC_KEY_FILE: es2.publicFile,
        JWT_PREVIOUS_PUBLIC_KEY_FILES: es1.publicFile,
      }),
    );
    expect(keys.jwks).toHaveLength(2);
    for (const jwk of keys.jwks) {
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
      const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
      expect(jwk.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
      expect(keys.verifyingKey(jwk.kid)?.type).toBe('public');
    }
    expect(keys.signingKid).toBe(keys.jwks[0].kid);
    expect(keys.verifyingKey('unknown-kid')).toBeUndefined();
    expect(keys.verifyingKey(undefined)).toBeUndefined();
  });

  it('refuses a public key that does not match the private key', () => {
    expect(() =>
      JwtKeys.load(
        jwtConfig({
          JWT_ALGORITHM: 'ES256',
          JWT_PRIVATE_KEY_FILE: es1.privateFile,
          JWT_PUBLIC_KEY_FILE: es2.publicFile,
        }),
      ),
    ).toThrow('JWT_PUBLIC_KEY_FILE does not match JWT_PRIVATE_KEY_FILE');
  });

  it('refuses keys that do not fit the algorithm', () => {
    const load = (env: Record<string, string>) => () => JwtKeys.load(jwtConfig(env));
    expect(
      load({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: es384.privateFile, JWT_PUBLIC_KEY_FILE: es384.publicFile }),
    ).toThrow('ES256 needs EC keys on the P-256 curve');
    expect(
      load({
        JWT_ALGORITHM: 'RS256',
        JWT_PRIVATE_KEY_FILE: rsaSmall.privateFile,
        JWT_PUBLIC_KEY_FILE: rsaSmall.publicFile,
      }),
    ).toThrow('RS256 needs RSA keys of at least 2048 bits');
    expect(
      load({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: es1.privateFile, JWT_PUBLIC_KEY_FILE: es1.publicFile }),
    ).toThrow('RS256 needs RSA keys');
  });

  it('names the variable when a key file cannot be read', () => {
    expect(() =>
      JwtKeys.load(
        jwtConfig({
          JWT_ALGORITHM: 'ES256',
          JWT_PRIVATE_KEY_FILE: join(dir, 'missing'),
          JWT_PUBLIC_KEY_FILE: es1.publicFile,
        }),
      ),
    ).toThrow(/^JWT_PRIVATE_KEY_FILE: cannot read .*missing \(ENOENT\)$/);
  });
});
