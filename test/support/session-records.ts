import { Cookie, SessionData } from 'express-session';
import '../../src/auth/session/session-data';

/** The idle TTL (seconds) of the sessions these helpers build. */
export const IDLE = 1800;

/** A session as SessionMechanism leaves it, with a real express-session Cookie: created at `authenticatedAt`, kept alive at `lastSeenAt`. */
export function sessionAt(authenticatedAt: number, lastSeenAt: number): SessionData {
  // The typings declare no constructor arguments; express-session's Cookie takes its options.
  const CookieWithOptions = Cookie as unknown as new (options: object) => Cookie;
  const cookie = new CookieWithOptions({ maxAge: IDLE * 1000, httpOnly: true, sameSite: 'lax', path: '/' });
  return { cookie, userId: 'u1', handle: 'h1', roles: ['user'], authenticatedAt, lastSeenAt };
}

/** A session store's callback-style call as a promise. */
export function call(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(asError(error)) : resolve())));
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
}
