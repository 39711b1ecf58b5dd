import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { AppValidationPipe } from '../../common/validation';
import type { User } from '../../users/domain/user';
import { AuthService, BAD_CREDENTIALS } from '../auth.service';
import { LoginDto } from '../dto/register.dto';
import { createLocalStrategy } from '../strategies/local.strategy';

/**
 * The login route's guard: validates the body (guards run before pipes, so a malformed
 * body is a 400 here, never a trip through passport), then runs passport-local.
 *
 * Passport's default authenticator is one per process, and a strategy registered on it
 * would serve every application in the process (tests build several): this application
 * gets an authenticator of its own.
 */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  private readonly validation = new AppValidationPipe();
  private readonly passport = new passport.Authenticator();

  constructor(auth: AuthService) {
    this.passport.use('local', createLocalStrategy(auth));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    req.body = (await this.validation.transform(req.body, { type: 'body', metatype: LoginDto })) as LoginDto;
    req.user = await new Promise<Express.User>((resolve, reject) => {
      const authenticate = this.passport.authenticate('local', { session: false }, (error: unknown, user: unknown) => {
        if (error) reject(error instanceof Error ? error : new UnauthorizedException(BAD_CREDENTIALS));
        else if (!user) reject(new UnauthorizedException(BAD_CREDENTIALS));
        else resolve(user as Express.User);
      }) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
      authenticate(req, res, (error) => reject(error instanceof Error ? error : new UnauthorizedException()));
    });
    return true;
  }
}

/** The account LocalAuthGuard just verified (only on the login route). */
export const LoginUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>().user as unknown as User,
);
