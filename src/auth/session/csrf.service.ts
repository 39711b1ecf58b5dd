import { ForbiddenException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf, DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/config.schema';
import { baseCookieOptions } from './session-cookie';

/** The header a cookie-authenticated unsafe request carries its CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * csrf-csrf reads its cookie from req.cookies: parsed here, by the requests that issue or check
 * a token, rather than by a middleware on every request (cookie-parser's function is synchronous).
 */
const parseCookies = cookieParser();
function withCookies(req: Request): Request {
  if (req.cookies === undefined) parseCookies(req, undefined as never, () => undefined);
  return req;
}

/**
 * Signed double-submit CSRF tokens (csrf-csrf) bound to the session id: a token from
 * GET /auth/csrf is worthless for any other session, including the one before login.
 */
@Injectable()
export class CsrfService {
  private readonly csrf: DoubleCsrfUtilities;

  constructor(config: ConfigService<AppConfig, true>) {
    const cookie = config.get('cookie', { infer: true });
    // Keys of their own, derived from the session secrets (the first signs, all verify),
    // so the two never share a purpose.
    const secrets = config
      .get('session', { infer: true })
      .secrets.map((secret) => createHmac('sha256', secret).update('csrf').digest('hex'));
    this.csrf = doubleCsrf({
      getSecret: () => secrets,
      getSessionIdentifier: (req) => req.session?.id ?? '',
      cookieName: `${cookie.prefix}csrf`,
      cookieOptions: baseCookieOptions(cookie),
      getCsrfTokenFromRequest: (req) => req.get(CSRF_HEADER),
    });
  }

  issueToken(req: Request, res: Response): string {
    return this.csrf.generateCsrfToken(withCookies(req), res, { overwrite: true });
  }

  /** @throws 403 without a valid X-CSRF-Token (for unsafe methods: the caller decides). */
  assertValid(req: Request): void {
    if (!this.csrf.validateRequest(withCookies(req))) throw new ForbiddenException('Invalid or missing CSRF token');
  }
}
