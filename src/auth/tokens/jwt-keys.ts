import { createHash, createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JsonWebKey } from 'node:crypto';
import { JwtModuleOptions, JwtSecretRequestType } from '@nestjs/jwt';
import type { AppConfig } from '../../config/config.schema';

export type JwtAlgorithm = AppConfig['jwt']['algorithm'];

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: JwtAlgorithm;
  use: 'sig';
}

/**
 * Keys imported once at start-up as KeyObjects: with a string secret jsonwebtoken (under
 * @nestjs/jwt) rebuilds the key on every verify (~420 µs against ~8 µs). Asymmetric keys
 * carry a `kid` (RFC 7638 thumbprint) so a verifier picks the right one during a rotation.
 */
export class JwtKeys {
  private constructor(
    readonly algorithm: JwtAlgorithm,
    readonly signingKey: KeyObject,
    /** The kid of the signing key; undefined for HS256, which has a single key. */
    readonly signingKid: string | undefined,
    private readonly verifying: Map<string | undefined, KeyObject>,
    readonly jwks: PublicJwk[],
  ) {}

  static load(jwt: AppConfig['jwt']): JwtKeys {
    if (jwt.algorithm === 'HS256') {
      const key = createSecretKey(Buffer.from(jwt.secret, 'utf8'));
      return new JwtKeys('HS256', key, undefined, new Map([[undefined, key]]), []);
    }
    const privateKey = createPrivateKey(readKeyFile(jwt.privateKeyFile, 'JWT_PRIVATE_KEY_FILE'));
    const current = createPublicKey(readKeyFile(jwt.publicKeyFile, 'JWT_PUBLIC_KEY_FILE'));
    const previous = jwt.previousPublicKeyFiles.map((file) =>
      createPublicKey(readKeyFile(file, 'JWT_PREVIOUS_PUBLIC_KEY_FILES')),
    );
    if (!createPublicKey(privateKey).equals(current)) {
      throw new Error('JWT_PUBLIC_KEY_FILE does not match JWT_PRIVATE_KEY_FILE');
    }
    const publicKeys = [current, ...previous];
    publicKeys.forEach((key) => assertKeyFits(key, jwt.algorithm));
    const jwks = publicKeys.map((key) => toJwk(key, jwt.algorithm));
    const verifying = new Map<string | undefined, KeyObject>(jwks.map((jwk, i) => [jwk.kid, publicKeys[i]]));
    return new JwtKeys(jwt.algorithm, privateKey, jwks[0].kid, verifying, jwks);
  }

  /**
   * JwtModule's options: these keys through `secretOrKeyProvider` (the typed module options
   * take no KeyObject), exactly the configured algorithm (`none` and every other one are
   * refused), and the issuer and audience set and checked on every token.
   */
  moduleOptions({ issuer, audience }: Pick<AppConfig['jwt'], 'issuer' | 'audience'>): JwtModuleOptions {
    return {
      secretOrKeyProvider: (type, token) =>
        type === JwtSecretRequestType.SIGN ? this.signingKey : this.keyOf(token as string),
      signOptions: {
        algorithm: this.algorithm,
        issuer,
        audience,
        ...(this.signingKid ? { keyid: this.signingKid } : {}),
      },
      verifyOptions: { algorithms: [this.algorithm], issuer, audience },
    };
  }

  /** The key a token's header points at; a token naming none of ours fails its verify. */
  private keyOf(token: string): KeyObject {
    const key = this.verifyingKey(kidOf(token));
    if (!key) throw new Error('no key of ours signed this token');
    return key;
  }

  /** The key a token's header points at, or undefined when none of ours matches. */
  verifyingKey(kid: string | undefined): KeyObject | undefined {
    return this.algorithm === 'HS256' ? this.verifying.get(undefined) : kid ? this.verifying.get(kid) : undefined;
  }
}

/** The JOSE header's `kid`, read without trusting it: it only picks the key. */
function kidOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    const kid = typeof header === 'object' && header !== null ? (header as { kid?: unknown }).kid : undefined;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function readKeyFile(path: string | undefined, variable: string): string {
  if (!path) throw new Error(`${variable} is required`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function assertKeyFits(key: KeyObject, algorithm: JwtAlgorithm): void {
  const details = key.asymmetricKeyDetails;
  if (algorithm === 'RS256' && (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048)) {
    throw new Error('RS256 needs RSA keys of at least 2048 bits');
  }
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1')) {
    throw new Error('ES256 needs EC keys on the P-256 curve');
  }
}

/** The public JWK with its RFC 7638 thumbprint as kid. */
function toJwk(key: KeyObject, algorithm: JwtAlgorithm): PublicJwk {
  const jwk = key.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const kid = createHash('sha256').update(JSON.stringify(members)).digest('base64url');
  return { ...jwk, kid, alg: algorithm, use: 'sig' };
}
