import { randomUUID } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../config/config.schema';
import { Role, ROLES } from '../../users/domain/user';
import { VerifiedTokens } from './verified-tokens';

/**
 * Explicit token types (RFC 8725 §3.11-3.12): the `typ` header is checked on every
 * verify, so a refresh token never passes as an access token or the other way round.
 */
export const ACCESS_TYP = 'at+jwt';
export const REFRESH_TYP = 'refresh+jwt';

/**
 * Claims of both token kinds: subject, token id, the refresh family it belongs to, and the
 * user's roles at login (a role change ends the family, so they cannot outlive it).
 */
export interface TokenClaims {
  sub: string;
  jti: string;
  fam: string;
  roles: Role[];
  /** Expiry, epoch seconds. */
  exp: number;
}

/** A refresh token also names its family's hard end (JWT_REFRESH_ABSOLUTE_TTL from login), epoch seconds. */
export interface RefreshClaims extends TokenClaims {
  fexp: number;
}

const INVALID = 'Invalid or expired token';

/** Access tokens remembered as verified (VerifiedTokens): a few MB at most, one per active client. */
const VERIFIED_ACCESS_TOKENS = 10_000;

const nowSeconds = () => Math.floor(Date.now() / 1000);

@Injectable()
export class TokenService {
  readonly accessTtl: number;
  readonly refreshTtl: number;
  readonly refreshAbsoluteTtl: number;
  private readonly algorithm: AppConfig['jwt']['algorithm'];
  private readonly verifiedAccess = new VerifiedTokens<TokenClaims>(VERIFIED_ACCESS_TOKENS);

  /** `jwt` comes from AuthModule's JwtModule: the keys, algorithm, issuer and audience of JwtKeys.moduleOptions. */
  constructor(
    private readonly jwt: JwtService,
    config: ConfigService<AppConfig, true>,
  ) {
    ({
      accessTtl: this.accessTtl,
      refreshTtl: this.refreshTtl,
      refreshAbsoluteTtl: this.refreshAbsoluteTtl,
      algorithm: this.algorithm,
    } = config.get('jwt', { infer: true }));
  }

  signAccess(userId: string, familyId: string, roles: Role[]): { token: string; claims: TokenClaims } {
    return this.sign(ACCESS_TYP, { sub: userId, fam: familyId, roles }, nowSeconds() + this.accessTtl);
  }

  /**
   * A refresh token of the family that ends at `familyExpiresAt` (epoch seconds; a new
   * family's when omitted): it expires after JWT_REFRESH_TTL or at the family's end, whichever is first.
   */
  signRefresh(
    userId: string,
    familyId: string,
    roles: Role[],
    familyExpiresAt?: number,
  ): { token: string; claims: RefreshClaims } {
    const fexp = familyExpiresAt ?? nowSeconds() + this.refreshAbsoluteTtl;
    const { token, claims } = this.sign(
      REFRESH_TYP,
      { sub: userId, fam: familyId, roles, fexp },
      Math.min(nowSeconds() + this.refreshTtl, fexp),
    );
    return { token, claims: { ...claims, fexp } };
  }

  /** @throws 401 unless it is an access token we signed, in date, for this issuer and audience. */
  verifyAccess(token: string): TokenClaims {
    const known = this.verifiedAccess.get(token, nowSeconds());
    if (known) return known;
    const { sub, jti, fam, roles, exp } = this.verify(token, ACCESS_TYP);
    // Shared by every request that presents this token: nobody may change them.
    const claims: TokenClaims = Object.freeze({ sub, jti, fam, roles: Object.freeze(roles) as Role[], exp });
    this.verifiedAccess.add(token, claims);
    return claims;
  }

  verifyRefresh(token: string): RefreshClaims {
    const { fexp, ...claims } = this.verify(token, REFRESH_TYP);
    if (typeof fexp !== 'number') throw new UnauthorizedException(INVALID);
    return { ...claims, fexp };
  }

  private sign(
    typ: string,
    { sub, ...payload }: { sub: string; fam: string; roles: Role[]; fexp?: number },
    exp: number,
  ): { token: string; claims: TokenClaims } {
    const jti = randomUUID();
    const token = this.jwt.sign(
      { ...payload, exp },
      { header: { alg: this.algorithm, typ }, subject: sub, jwtid: jti },
    );
    return { token, claims: { sub, jti, fam: payload.fam, roles: payload.roles, exp } };
  }

  private verify(token: string, typ: string): TokenClaims & { fexp?: unknown } {
    let verified: { header: { typ?: unknown }; payload: Record<string, unknown> };
    try {
      verified = this.jwt.verify(token, { complete: true });
    } catch {
      throw new UnauthorizedException(INVALID);
    }
    const { header, payload } = verified;
    if (
      header.typ !== typ ||
      typeof payload.exp !== 'number' || // jsonwebtoken accepts tokens without exp; we do not
      typeof payload.sub !== 'string' ||
      typeof payload.jti !== 'string' ||
      typeof payload.fam !== 'string'
    ) {
      throw new UnauthorizedException(INVALID);
    }
    return {
      sub: payload.sub,
      jti: payload.jti,
      fam: payload.fam,
      roles: rolesOf(payload.roles),
      exp: payload.exp,
      fexp: payload.fexp,
    };
  }
}

/** The roles a token names; a token signed before roles existed names none. */
function rolesOf(claim: unknown): Role[] {
  return Array.isArray(claim) ? ROLES.filter((role) => claim.includes(role)) : [];
}
