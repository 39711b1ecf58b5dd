import type { Request, Response } from 'express';
import type { User } from '../users/domain/user';
import type { AuthenticatedUser } from './authenticated-user';
import type { SessionResponse } from './dto/session.response';

/** What a token login or refresh returns (API.md). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/**
 * One way of proving identity (a session cookie, a bearer token). AuthModule picks the
 * mechanisms from AUTH_STRATEGY; the guard and the controller only see this interface.
 */
export abstract class AuthMechanism {
  /**
   * The caller, or null when the request carries no credential of this kind.
   * Throws (401, 403, 503) when it carries one that does not hold.
   */
  abstract authenticate(req: Request): Promise<AuthenticatedUser | null>;

  /** Establishes the credential after a successful password check; returns login response fields. */
  abstract login(req: Request, res: Response, user: User): Promise<Partial<TokenPair>>;

  /** Ends the credential the request authenticated with (and, for tokens, the refresh family given). */
  abstract logout(req: Request, res: Response, refreshToken?: string): Promise<void>;

  /** The user's live sessions of this kind; `req` tells which one is current. */
  abstract listSessions(userId: string, req: Request): Promise<SessionResponse[]>;

  /** Ends one of the user's sessions by handle; false when the user has no such session. */
  abstract endSession(userId: string, handle: string, req: Request, res: Response): Promise<boolean>;

  /** Ends every session of this kind of the user, except the request's own when `keepCurrent`. */
  abstract endAllSessions(userId: string, req: Request, res: Response, keepCurrent: boolean): Promise<void>;

  /** After a password change: the request's own credential of this kind, if any, gets a fresh identity. */
  abstract renew(req: Request, res: Response, user: User): Promise<void>;
}

/** DI token for the mechanisms in force, most specific first (bearer before cookie). */
export const AUTH_MECHANISMS = Symbol('AUTH_MECHANISMS');
