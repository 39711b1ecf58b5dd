import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { Store } from 'express-session';
import type { AppConfig } from '../../config/config.schema';
import { baseCookieOptions } from './session-cookie';
import './session-data';
import { asSessionStoreError } from './store-call';

export const SESSION_STORE = Symbol('SESSION_STORE');

/**
 * express-session as a Nest middleware, so that a failure of the store reaches Nest's
 * exception filters, classified (an outage: 503), rather than Express's default HTML error page.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly session: RequestHandler;

  constructor(@Inject(SESSION_STORE) store: Store, config: ConfigService<AppConfig, true>) {
    const { secrets, cookieName, idleTtl } = config.get('session', { infer: true });
    this.session = session({
      name: cookieName,
      secret: secrets,
      store,
      resave: false,
      saveUninitialized: false,
      // The idle deadline moves when SessionMechanism extends it (cookie and store together),
      // not on every response: see keepAlive().
      rolling: false,
      cookie: { ...baseCookieOptions(config.get('cookie', { infer: true })), maxAge: idleTtl * 1000 },
    });
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const error = await new Promise<unknown>((resolve) => {
      void this.session(req, res, resolve);
    });
    if (error) throw asSessionStoreError(error);
    next();
  }
}
