import type { CookieOptions } from 'express';
import type { SessionData } from 'express-session';
import type { Role } from '../../users/domain/user';

/** The stored form: short keys, and of the cookie only its expiry (the rest is configuration). */
interface StoredSession {
  u: string;
  a: number;
  l: number;
  h: string;
  f?: string;
  /** Roles; absent in a record written before roles existed (read as none). */
  r?: Role[];
  /** Cookie expiry, epoch ms. */
  e: number;
}

/** How RedisSessionStore writes a session to Redis and reads it back. */
export interface SessionSerializer {
  stringify(session: SessionData): string;
  /** The session, or null for a record that is not one. */
  parse(raw: string): SessionData | null;
}

/**
 * Serializer for RedisSessionStore that stores a session in about a third of express-session's
 * JSON (which repeats every cookie attribute in every record). A record that is not a
 * session (corrupted, or written by something else) reads as no session at all: the
 * request is unauthenticated (401), never a 500.
 */
export function createSessionSerializer(cookie: CookieOptions, idleTtl: number): SessionSerializer {
  return {
    stringify(session: SessionData): string {
      const stored: StoredSession = {
        u: session.userId,
        a: session.authenticatedAt,
        l: session.lastSeenAt,
        h: session.handle,
        f: session.refreshFamily,
        r: session.roles,
        e: session.cookie.expires ? new Date(session.cookie.expires).getTime() : Date.now() + idleTtl * 1000,
      };
      return JSON.stringify(stored);
    },

    parse(raw: string): SessionData | null {
      const stored = parseStored(raw);
      if (!stored) return null; // RedisSessionStore.get passes it on: "no session"
      return {
        userId: stored.u,
        authenticatedAt: stored.a,
        lastSeenAt: stored.l,
        handle: stored.h,
        roles: stored.r ?? [],
        ...(stored.f ? { refreshFamily: stored.f } : {}),
        // The Cookie's fields: express-session rebuilds its Cookie from them (Store#createSession).
        cookie: { ...cookie, originalMaxAge: idleTtl * 1000, expires: new Date(stored.e) },
      };
    },
  };
}

function parseStored(raw: string): StoredSession | null {
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    const valid =
      typeof value === 'object' &&
      value !== null &&
      typeof value.u === 'string' &&
      typeof value.a === 'number' &&
      typeof value.l === 'number' &&
      typeof value.h === 'string' &&
      typeof value.e === 'number' &&
      !Number.isNaN(new Date(value.e).getTime()) &&
      (value.r === undefined || (Array.isArray(value.r) && value.r.every((role) => typeof role === 'string')));
    return valid ? (value as StoredSession) : null;
  } catch {
    return null;
  }
}
