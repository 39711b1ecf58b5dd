import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import type { User } from '../../users/domain/user';
import { AuthService } from '../auth.service';
import { AppPassport } from './app-passport';

/** What PassportStrategy's constructor registers the strategy on instead of the process-wide passport. */
const NOWHERE = { use: () => NOWHERE };

/**
 * passport-local: email and password from the body, the client IP for the login limits;
 * 429 and 401 come from AuthService as Nest exceptions. Registered on the application's
 * own AppPassport, not on the process-wide instance that @nestjs/passport would use.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly auth: AuthService,
    passport: AppPassport,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
    passport.use('local', this);
  }

  /** Called by PassportStrategy's constructor, for the instance to register on. */
  getPassportInstance(): typeof NOWHERE {
    return NOWHERE;
  }

  /** The full account, for the login response (read back with @LoginUser()). */
  validate(req: Request, email: string, password: string): Promise<User> {
    return this.auth.validateCredentials(email, password, req);
  }
}
