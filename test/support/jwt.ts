import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import type { AppConfig } from '../../src/config/config.schema';

/** Token forging and decoding for the attack specs: every token is built byte by byte here. */

export type JsonObject = Record<string, unknown>;

/** Signs the JWS signing input (`header.payload`) and returns the raw signature bytes. */
export type Signer = (signingInput: string) => Buffer;

export function base64url(value: JsonObject | string | Buffer): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return bytes.toString('base64url');
}

export function decodeJwt(token: string): { header: JsonObject; payload: JsonObject; signature: string } {
  const [header, payload, signature] = token.split('.');
  const parse = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as JsonObject;
  return { header: parse(header), payload: parse(payload), signature };
}

/** HS256 / HS384 / HS512 with any secret (a string is used as its UTF-8 bytes, as jsonwebtoken does). */
export function hmacSigner(secret: string | Buffer, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Signer {
  return (input) => createHmac(hash, secret).update(input).digest();
}

/** RS256 (PKCS#1 v1.5) or ES256 (raw r||s, as JWS wants it). */
export function keySigner(algorithm: 'RS256' | 'ES256', privateKey: KeyObject): Signer {
  return (input) =>
    sign(
      'sha256',
      Buffer.from(input),
      algorithm === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
    );
}

/** `alg: none`: an empty signature. */
export const noSignature: Signer = () => Buffer.alloc(0);

export function forgeJwt(header: JsonObject, payload: JsonObject, signer: Signer): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  return `${signingInput}.${base64url(signer(signingInput))}`;
}

/**
 * The claims the app puts in its tokens, valid for five minutes. Override any of them;
 * `undefined` leaves the claim out (JSON.stringify drops it).
 */
export function tokenClaims(userId: string, config: AppConfig, overrides: JsonObject = {}): JsonObject {
  const now = Math.floor(Date.now() / 1000);
  return {
    fam: randomUUID(),
    iat: now,
    exp: now + 300,
    aud: config.jwt.audience,
    iss: config.jwt.issuer,
    sub: userId,
    jti: randomUUID(),
    ...overrides,
  };
}

/** Changes one character in the middle of a base64url segment, so the decoded bytes really differ. */
export function flipChar(segment: string, index = Math.floor(segment.length / 2)): string {
  const replacement = segment[index] === 'A' ? 'B' : 'A';
  return segment.slice(0, index) + replacement + segment.slice(index + 1);
}
