import { Strategy, VerifyFunctionWithRequest } from 'passport-local';
import type { AuthService } from '../auth.service';

/**
 * passport-local over AuthService: email and password from the body, the client IP for
 * the login throttle. 429 and 401 come from AuthService as Nest exceptions.
 */
export function createLocalStrategy(auth: AuthService): Strategy {
  const verify: VerifyFunctionWithRequest = (req, email, password, done) => {
    auth.validateCredentials(email, password, req.ip ?? 'unknown').then(
      // The full account, for the login response (read back with @LoginUser()).
      (user) => done(null, user as unknown as Express.User),
      (error: unknown) => done(error),
    );
  };
  return new Strategy(
    { usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false },
    verify,
  );
}
