import { randomUUID } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import jwt, { JwtPayload } from 'jsonwebtoken';
import type { AppConfig } from '../../config/config.schema';
import { JwtKeys } from './jwt-keys';

/**
 * Explicit token types (RFC 8725 §3.11-3.12): the `typ` header is checked on every
 * verify, so a refresh token never passes as an access token or the other way round.
 */
export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'refresh+jwt';

/**
 * `res.locals` key under which a login's new refresh family is left for the session
 * mechanism (`both` mode), so that logging out of that session ends the family too.
 */
export const LOGIN_REFRESH_FAMILY = 'refreshFamily';

/** Claims of both token kinds: subject, token id, and the refresh family it belongs to. */
export interface TokenClaims {
  sub: string;
  jti: string;
  fam: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** A refresh token also names its family's hard end (JWT_REFRESH_ABSOLUTE_TTL from login), epoch seconds. */
export interface RefreshClaims extends TokenClaims {
  fexp: number;
}

const INVALID = 'Invalid or expired token';

const nowSeconds = () => Math.floor(Date.now() / 1000);

@Injectable()
export class TokenService {
  readonly accessTtl: number;
  readonly refreshTtl: number;
  readonly refreshAbsoluteTtl: number;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(
    private readonly keys: JwtKeys,
    config: ConfigService<AppConfig, true>,
  ) {
    const options = config.get('jwt', { infer: true });
    this.accessTtl = options.accessTtl;
    this.refreshTtl = options.refreshTtl;
    this.refreshAbsoluteTtl = options.refreshAbsoluteTtl;
    this.issuer = options.issuer;
    this.audience = options.audience;
  }

  signAccess(userId: string, familyId: string): { token: string; claims: TokenClaims } {
    return this.sign(ACCESS_TYP, { sub: userId, fam: familyId }, nowSeconds() + this.accessTtl);
  }

  /**
   * A refresh token of the family that ends at `familyExpiresAt` (epoch seconds; a new
   * family's when omitted): it expires after JWT_REFRESH_TTL or at the family's end, whichever is first.
   */
  signRefresh(userId: string, familyId: string, familyExpiresAt?: number): { token: string; claims: RefreshClaims } {
    const fexp = familyExpiresAt ?? nowSeconds() + this.refreshAbsoluteTtl;
    const { token, claims } = this.sign(
      REFRESH_TYP,
      { sub: userId, fam: familyId, fexp },
      Math.min(nowSeconds() + this.refreshTtl, fexp),
    );
    return { token, claims: { ...claims, fexp } };
  }

  /** @throws 401 unless it is an access token we signed, in date, for this issuer and audience. */
  verifyAccess(token: string): TokenClaims {
    return this.verify(token, ACCESS_TYP);
  }

  verifyRefresh(token: string): RefreshClaims {
    const { fexp, ...claims } = this.verify(token, REFRESH_TYP);
    if (typeof fexp !== 'number') throw new UnauthorizedException(INVALID);
    return { ...claims, fexp };
  }

  private sign(
    typ: string,
    { sub, ...payload }: { sub: string; fam: string; fexp?: number },
    exp: number,
  ): { token: string; claims: TokenClaims } {
    const jti = randomUUID();
    const token = jwt.sign({ ...payload, exp }, this.keys.signingKey, {
      algorithm: this.keys.algorithm,
      header: { alg: this.keys.algorithm, typ, ...(this.keys.signingKid ? { kid: this.keys.signingKid } : {}) },
      subject: sub,
      jwtid: jti,
      issuer: this.issuer,
      audience: this.audience,
    });
    return { token, claims: { sub, jti, fam: payload.fam, exp } };
  }

  private verify(token: string, typ: string): TokenClaims & { fexp?: unknown } {
    const header = readHeader(token);
    const key = header && header.typ === typ ? this.keys.verifyingKey(header.kid) : undefined;
    if (!key) throw new UnauthorizedException(INVALID);
    let payload: JwtPayload | string;
    try {
      // Exactly the configured algorithm: `none` and every other one are refused.
      payload = jwt.verify(token, key, {
        algorithms: [this.keys.algorithm],
        issuer: this.issuer,
        audience: this.audience,
      });
    } catch {
      throw new UnauthorizedException(INVALID);
    }
    if (
      typeof payload !== 'object' ||
      typeof payload.exp !== 'number' || // jsonwebtoken accepts tokens without exp; we do not
      typeof payload.sub !== 'string' ||
      typeof payload.jti !== 'string' ||
      typeof payload.fam !== 'string'
    ) {
      throw new UnauthorizedException(INVALID);
    }
    return { sub: payload.sub, jti: payload.jti, fam: payload.fam, exp: payload.exp, fexp: payload.fexp as unknown };
  }
}

/** The JOSE header, read without trusting it: it only picks the key and the expected type. */
function readHeader(token: string): { typ?: unknown; kid?: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null) return null;
    const { typ, kid } = header as { typ?: unknown; kid?: unknown };
    return { typ, kid: typeof kid === 'string' ? kid : undefined };
  } catch {
    return null;
  }
}
