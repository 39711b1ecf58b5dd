import type { CookieOptions } from 'express';
import type { AppConfig } from '../../config/config.schema';

/** Attributes shared by the session cookie, its clearing, and the CSRF cookie. */
export function baseCookieOptions(cookie: Pick<AppConfig['cookie'], 'secure' | 'sameSite'>): CookieOptions {
  return { httpOnly: true, secure: cookie.secure, sameSite: cookie.sameSite, path: '/' };
}
