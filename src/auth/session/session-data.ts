import 'express-session';
import type { Role } from '../../users/domain/user';

declare module 'express-session' {
  interface SessionData {
    /** Epoch ms of the login that created this session: the absolute expiry counts from it. */
    authenticatedAt: number;
    /** The only identity a session holds: no user lookup on each request (see SessionMechanism). */
    userId: string;
    /** Public handle of this session in GET /auth/sessions (never the session id). */
    handle: string;
    /** Epoch ms of the last activity that extended the idle deadline. */
    lastSeenAt: number;
    /** The user's roles at login: a role change ends the session, so they cannot go stale. */
    roles: Role[];
    /** In `both` mode: the refresh family the same login started, ended with this session's logout. */
    refreshFamily?: string;
  }
}

/**
 * Seconds a stored session may live from now: the idle TTL, capped by what is left of
 * the absolute TTL counted from login. Stores expire the record at that moment even
 * when nobody calls again.
 */
export function sessionTtlSeconds(
  session: { authenticatedAt?: number },
  idleTtl: number,
  absoluteTtl: number,
  now = Date.now(),
): number {
  if (!session.authenticatedAt) return idleTtl;
  const remaining = Math.ceil((session.authenticatedAt + absoluteTtl * 1000 - now) / 1000);
  return Math.max(1, Math.min(idleTtl, remaining));
}

/**
 * How stale the idle deadline may get before a request extends it: rewriting the
 * session on every request would cost a store write each time for almost nothing.
 */
export function keepAliveIntervalMs(idleTtl: number): number {
  return Math.min(60_000, (idleTtl * 1000) / 10);
}

export function isPastAbsoluteExpiry(
  authenticatedAt: number | undefined,
  absoluteTtl: number,
  now = Date.now(),
): boolean {
  return authenticatedAt === undefined || now >= authenticatedAt + absoluteTtl * 1000;
}

/**
 * The login's write creates the session record (its `lastSeenAt` is the login itself);
 * every later write only moves the idle deadline of a record that must still exist.
 */
export function createsRecord(session: { authenticatedAt?: number; lastSeenAt?: number }): boolean {
  return typeof session.authenticatedAt === 'number' && session.lastSeenAt === session.authenticatedAt;
}
