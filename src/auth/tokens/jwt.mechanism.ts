import { createHash, randomUUID } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/config.schema';
import type { User } from '../../users/domain/user';
import { AuthMechanism, TokenPair } from '../auth-mechanism';
import type { AuthenticatedUser } from '../authenticated-user';
import type { SessionResponse } from '../dto/session.response';
import { LOGIN_REFRESH_FAMILY, TokenClaims, TokenService } from './token.service';
import '../session/session-data';
import { TokenStore } from './token.store';

/** The scheme is case-insensitive (RFC 9110 §11.1); its credentials are one token (RFC 6750 §2.1). */
const BEARER_SCHEME = /^Bearer(?:\s|$)/i;
const BEARER = /^Bearer +(\S+)$/i;
const REVOKED = 'Token has been revoked';

/** Refresh tokens are stored as SHA-256 hashes: a leaked store holds no usable token. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Bearer access tokens, with rotating refresh tokens grouped in families. Every login
 * starts a family; every refresh rotates within it; replaying a rotated refresh token
 * ends the whole family.
 */
@Injectable()
export class JwtMechanism extends AuthMechanism {
  private readonly denylist: boolean;
  /** The verified claims of each bearer-authenticated request, for logout. */
  private readonly claimsOf = new WeakMap<Request, TokenClaims>();

  constructor(
    private readonly tokens: TokenService,
    private readonly store: TokenStore,
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
    if (!match) throw new UnauthorizedException('Invalid or expired token');
    const claims = this.tokens.verifyAccess(match[1]);
    if (this.denylist && (await this.store.isDenied(claims.jti, claims.fam))) {
      throw new UnauthorizedException(REVOKED);
    }
    this.claimsOf.set(req, claims);
    return { id: claims.sub, credential: 'bearer' };
  }

  async login(req: Request, res: Response, user: User): Promise<TokenPair> {
    const familyId = randomUUID();
    res.locals[LOGIN_REFRESH_FAMILY] = familyId;
    const pair = this.issuePair(user.id, familyId);
    const now = Date.now();
    await this.store.createFamily(
      familyId,
      hashToken(pair.refreshToken),
      { userId: user.id, createdAt: now, lastSeenAt: now, userAgent: req.get('user-agent') ?? '', ip: req.ip ?? '' },
      this.tokens.refreshTtl,
    );
    return pair;
  }

  /** Rotates: the presented token stops working; presenting it again ends the family. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const claims = this.tokens.verifyRefresh(refreshToken);
    const pair = this.issuePair(claims.sub, claims.fam);
    const result = await this.store.rotate(
      claims.fam,
      hashToken(refreshToken),
      hashToken(pair.refreshToken),
      this.tokens.refreshTtl,
    );
    if (result === 'rotated') return pair;
    if (result === 'reused') await this.store.revokeFamily(claims.fam, this.tokens.accessTtl);
    throw new UnauthorizedException(result === 'reused' ? 'Refresh token reuse detected' : REVOKED);
  }

  async logout(req: Request, _res: Response, refreshToken?: string): Promise<void> {
    const claims = this.claimsOf.get(req);
    if (claims) {
      if (this.denylist) await this.store.denyAccessToken(claims.jti, claims.exp - Math.floor(Date.now() / 1000));
      await this.store.revokeFamily(claims.fam, this.tokens.accessTtl);
    }
    // Also the family named in the body, and the one started by the same login as this
    // cookie session (`both` mode): when they belong to the caller.
    const others = [refreshToken ? this.familyOf(refreshToken) : undefined, req.session?.refreshFamily];
    for (const family of new Set(others)) {
      if (family && family !== claims?.fam && (await this.store.familyOwner(family)) === req.user?.id) {
        await this.store.revokeFamily(family, this.tokens.accessTtl);
      }
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
    if ((await this.store.familyOwner(handle)) !== userId) return false;
    await this.store.revokeFamily(handle, this.tokens.accessTtl);
    return true;
  }

  async endAllSessions(userId: string, req: Request, _res: Response, keepCurrent: boolean): Promise<void> {
    const current = this.claimsOf.get(req)?.fam;
    for (const { familyId } of await this.store.listFamilies(userId)) {
      if (!(keepCurrent && familyId === current)) await this.store.revokeFamily(familyId, this.tokens.accessTtl);
    }
  }

  private familyOf(refreshToken: string): string | undefined {
    try {
      return this.tokens.verifyRefresh(refreshToken).fam;
    } catch {
      return undefined; // an expired or foreign token has nothing left to revoke
    }
  }

  private issuePair(userId: string, familyId: string): TokenPair {
    return {
      accessToken: this.tokens.signAccess(userId, familyId).token,
      refreshToken: this.tokens.signRefresh(userId, familyId).token,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtl,
    };
  }
}
