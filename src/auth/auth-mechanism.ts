import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
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
 * Credentials issued together by one login (`both` mode: a cookie session and a refresh
 * family): logging out of one ends the others.
 */
export interface LinkedCredentials {
  refreshFamily?: string;
}

/** One login, passed to each mechanism in turn; each may record what it issued in `linked`. */
export interface LoginContext {
  req: Request;
  res: Response;
  user: User;
  linked: LinkedCredentials;
  /** Each mechanism adds the handle (as GET /auth/sessions names it) of what it issued. */
  issued: string[];
}

/** One logout: the refresh token named in the body, and what the request's credentials were issued with. */
export interface LogoutContext {
  req: Request;
  res: Response;
  refreshToken?: string;
  linked: LinkedCredentials;
}

/** One OpenAPI security requirement: scheme names (all of them required together). */
export type SecurityRequirement = Record<string, string[]>;

/** How a mechanism appears in the OpenAPI document and in Swagger UI. */
export interface MechanismDocs {
  /** Its security schemes, by name. */
  schemes: Record<string, SecuritySchemeObject>;
  /** What a protected request must carry with this mechanism… */
  requirement: SecurityRequirement;
  /** …and, where it differs, what an unsafe one (POST, PATCH, PUT, DELETE) must carry. */
  unsafeRequirement?: SecurityRequirement;
  /** How to use it from Swagger UI, for the document's description. */
  howTo: string;
}

/**
 * One way of proving identity (a session cookie, a bearer token). AuthModule picks the
 * mechanisms from AUTH_STRATEGY; the guard and the controller only see this interface.
 */
export abstract class AuthMechanism {
  /** Its part of the OpenAPI document. */
  abstract readonly docs: MechanismDocs;

  /**
   * The caller, or null when the request carries no credential of this kind.
   * Throws (401, 403, 503) when it carries one that does not hold.
   */
  abstract authenticate(req: Request): Promise<AuthenticatedUser | null>;

  /** Establishes the credential after a successful password check; returns login response fields. */
  abstract login(login: LoginContext): Promise<Partial<TokenPair>>;

  /** What the request's credential of this kind was issued with; read before any mechanism ends anything. */
  abstract linkedTo(req: Request): LinkedCredentials;

  /** Ends the credential the request authenticated with, and those linked to it or named in the body. */
  abstract logout(logout: LogoutContext): Promise<void>;

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
