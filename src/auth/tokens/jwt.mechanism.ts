import { createHash, randomUUID } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { AuditService } from '../../audit/audit.service';
import type { AppConfig } from '../../config/config.schema';
import type { Role } from '../../users/domain/user';
import {
  AuthMechanism,
  LinkedCredentials,
  LoginContext,
  LogoutContext,
  MechanismDocs,
  TokenPair,
} from '../auth-mechanism';
import type { AuthenticatedUser } from '../authenticated-user';
import type { SessionResponse } from '../dto/session.response';
import { BearerTokenRefused } from './bearer-token-refused.exception';
import { RefreshClaims, TokenClaims, TokenService } from './token.service';
import { FamilyRef, TokenStore } from './token.store';

/** The scheme is case-insensitive (RFC 9110 §11.1); its credentials are one token (RFC 6750 §2.1). */
const BEARER_SCHEME = /^Bearer(?:\s|$)/i;
const BEARER = /^Bearer +(\S+)$/i;
const REVOKED = 'Token has been revoked';
const INVALID = 'Invalid or expired token';

/** Refresh tokens are stored as SHA-256 hashes: a leaked store holds no usable token. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Bearer access tokens, with rotating refresh tokens grouped in families. Every login
 * starts a family; every refresh rotates within it; replaying a rotated refresh token
 * ends the whole family.
 */
@Injectable()
export class JwtMechanism extends AuthMechanism {
  readonly docs: MechanismDocs = {
    schemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    requirement: { bearer: [] },
    howTo:
      'The access token of the login response is put into **Authorize** (bearer) for the next requests; when it ' +
      'expires, log in again or call `POST /auth/refresh`. Logging out removes it.',
  };
  private readonly denylist: boolean;
  /** The verified claims of each bearer-authenticated request, for logout. */
  private readonly claimsOf = new WeakMap<Request, TokenClaims>();

  constructor(
    private readonly tokens: TokenService,
    private readonly store: TokenStore,
    private readonly audit: AuditService,
    config: ConfigService<AppConfig, true>,
  ) {
    super();
    this.denylist = config.get('jwt', { infer: true }).revocation === 'denylist';
  }

  async authenticate(req: Request): Promise<AuthenticatedUser | null> {
    const header = req.headers.authorization;
    if (header === undefined) return null;
    if (!BEARER_SCHEME.test(header)) return null; // another scheme: not ours to judge
    // A malformed Bearer header fails closed: it must not fall through to the cookie in `both` mode.
    const match = BEARER.exec(header);
    if (!match) throw new BearerTokenRefused(INVALID);
    let claims: TokenClaims;
    try {
      claims = this.tokens.verifyAccess(match[1]);
    } catch {
      throw new BearerTokenRefused(INVALID);
    }
    if (this.denylist && (await this.store.isDenied(claims.sub, claims.jti, claims.fam))) {
      throw new BearerTokenRefused(REVOKED);
    }
    this.claimsOf.set(req, claims);
    return { id: claims.sub, credential: 'bearer', roles: claims.roles };
  }

  async login({ req, user, linked, issued }: LoginContext): Promise<TokenPair> {
    const family = { userId: user.id, familyId: randomUUID() };
    linked.refreshFamily = family.familyId;
    issued.push(family.familyId);
    const { pair, refresh } = this.issuePair(family, user.roles);
    const now = Date.now();
    await this.store.createFamily(
      family,
      hashToken(pair.refreshToken),
      { createdAt: now, lastSeenAt: now, userAgent: req.get('user-agent') ?? '', ip: req.ip ?? '' },
      secondsUntil(refresh.exp),
    );
    return pair;
  }

  /**
   * Rotates: the presented token stops working; presenting it again ends the family. The new
   * refresh token lives until JWT_REFRESH_TTL or the family's hard end, whichever is first.
   */
  async refresh(refreshToken: string, req: Request): Promise<TokenPair> {
    const claims = this.tokens.verifyRefresh(refreshToken);
    const family = { userId: claims.sub, familyId: claims.fam };
    // The roles of the login travel in the refresh token: no user lookup on refresh either.
    const { pair, refresh } = this.issuePair(family, claims.roles, claims.fexp);
    const result = await this.store.rotate(
      family,
      hashToken(refreshToken),
      hashToken(pair.refreshToken),
      secondsUntil(refresh.exp),
    );
    if (result === 'rotated') return pair;
    if (result === 'reused') {
      await this.store.revokeFamily(family, this.tokens.accessTtl);
      this.audit.record('refresh.reuse_detected', req, { userId: claims.sub });
    }
    throw new UnauthorizedException(result === 'reused' ? 'Refresh token reuse detected' : REVOKED);
  }

  /** A bearer token names its own family; it is linked to nothing else. */
  linkedTo(): LinkedCredentials {
    return {};
  }

  async logout({ req, refreshToken, linked }: LogoutContext): Promise<void> {
    const userId = req.user?.id;
    if (!userId) return;
    const claims = this.claimsOf.get(req);
    if (claims) {
      if (this.denylist) await this.store.denyAccessToken(userId, claims.jti, secondsUntil(claims.exp));
      await this.store.revokeFamily({ userId, familyId: claims.fam }, this.tokens.accessTtl);
    }
    // Also the family named in the body, and the one the same login started alongside the
    // request's other credential (`both` mode): when they belong to the caller.
    const others = [refreshToken ? this.familyOf(refreshToken, userId) : undefined, linked.refreshFamily];
    for (const familyId of new Set(others)) {
      if (familyId && familyId !== claims?.fam) await this.endSession(userId, familyId);
    }
  }

  async listSessions(userId: string, req: Request): Promise<SessionResponse[]> {
    const current = this.claimsOf.get(req)?.fam;
    return (await this.store.listFamilies(userId)).map(({ familyId, meta }) => ({
      id: familyId,
      kind: 'refresh',
      createdAt: new Date(meta.createdAt).toISOString(),
      lastSeenAt: new Date(meta.lastSeenAt).toISOString(),
      userAgent: meta.userAgent,
      ip: meta.ip,
      current: familyId === current,
    }));
  }

  async endSession(userId: string, handle: string): Promise<boolean> {
    const family = { userId, familyId: handle };
    if (!(await this.store.hasFamily(family))) return false;
    await this.store.revokeFamily(family, this.tokens.accessTtl);
    return true;
  }

  async endAllSessions(userId: string, req: Request, _res: Response, keepCurrent: boolean): Promise<void> {
    const current = this.claimsOf.get(req)?.fam;
    for (const { familyId } of await this.store.listFamilies(userId)) {
      if (!(keepCurrent && familyId === current)) {
        await this.store.revokeFamily({ userId, familyId }, this.tokens.accessTtl);
      }
    }
  }

  /** A bearer request keeps its family through a password change: nothing to renew. */
  async renew(): Promise<void> {}

  /** The family of a refresh token of `userId`; none for an expired, foreign or other user's token. */
  private familyOf(refreshToken: string, userId: string): string | undefined {
    try {
      const claims = this.tokens.verifyRefresh(refreshToken);
      return claims.sub === userId ? claims.fam : undefined;
    } catch {
      return undefined;
    }
  }

  private issuePair(
    family: FamilyRef,
    roles: Role[],
    familyExpiresAt?: number,
  ): { pair: TokenPair; refresh: RefreshClaims } {
    const refresh = this.tokens.signRefresh(family.userId, family.familyId, roles, familyExpiresAt);
    const pair: TokenPair = {
      accessToken: this.tokens.signAccess(family.userId, family.familyId, roles).token,
      refreshToken: refresh.token,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtl,
    };
    return { pair, refresh: refresh.claims };
  }
}

/** Whole seconds from now until `exp` (epoch seconds), at least 1: a TTL for the store. */
function secondsUntil(exp: number): number {
  return Math.max(1, exp - Math.floor(Date.now() / 1000));
}
