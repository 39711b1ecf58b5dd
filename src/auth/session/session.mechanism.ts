import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { Session } from 'express-session';
import type { AppConfig } from '../../config/config.schema';
import type { User } from '../../users/domain/user';
import { UsersService } from '../../users/users.service';
import { AuthMechanism, TokenPair } from '../auth-mechanism';
import type { AuthenticatedUser } from '../authenticated-user';
import { CsrfService } from './csrf.service';
import { baseCookieOptions } from './session-cookie';
import { isPastAbsoluteExpiry } from './session-data';

/**
 * Cookie sessions. SessionMiddleware (express-session) has loaded the session; this
 * turns it into the caller, enforces the absolute expiry, and checks CSRF on unsafe
 * requests. The session holds the user id and login time, nothing else.
 */
@Injectable()
export class SessionMechanism extends AuthMechanism {
  private readonly absoluteTtl: number;

  constructor(
    private readonly users: UsersService,
    private readonly csrf: CsrfService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    super();
    this.absoluteTtl = config.get('session', { infer: true }).absoluteTtl;
  }

  async authenticate(req: Request): Promise<AuthenticatedUser | null> {
    const session = req.session;
    const userId = session?.userId;
    if (typeof userId !== 'string') return null;
    if (isPastAbsoluteExpiry(session.authenticatedAt, this.absoluteTtl)) {
      await destroy(session);
      return null;
    }
    const user = await this.users.findById(userId);
    if (!user) {
      await destroy(session); // the account is gone: so is every session of it
      return null;
    }
    this.csrf.assertValid(req);
    return { id: user.id, credential: 'cookie' };
  }

  async login(req: Request, _res: Response, user: User): Promise<Partial<TokenPair>> {
    // A new id at login: an id that existed before (fixation) is worthless after it.
    await storeCall((done) => req.session.regenerate(done));
    req.session.userId = user.id;
    req.session.authenticatedAt = Date.now();
    await storeCall((done) => req.session.save(done));
    return {};
  }

  async logout(req: Request, res: Response): Promise<void> {
    if (typeof req.session?.userId !== 'string') return;
    await destroy(req.session);
    const { cookieName } = this.config.get('session', { infer: true });
    res.clearCookie(cookieName, baseCookieOptions(this.config.get('cookie', { infer: true })));
  }
}

function destroy(session: Session): Promise<void> {
  return storeCall((done) => session.destroy(done));
}

/** Runs a callback-style store operation; a store failure is an outage (503). */
function storeCall(operation: (done: (error?: unknown) => void) => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    operation((error) => (error ? reject(new ServiceUnavailableException('Session store is unavailable')) : resolve()));
  });
}
