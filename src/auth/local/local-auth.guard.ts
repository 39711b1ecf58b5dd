import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppValidationPipe } from '../../common/validation';
import type { User } from '../../users/domain/user';
import { BAD_CREDENTIALS } from '../auth.service';
import { LoginDto } from '../dto/login.dto';
import { AppPassport } from './app-passport';

/** `res.locals` key of the account the login route's guard verified. */
const LOGIN_USER = 'loginUser';

/**
 * The login route's guard: validates the body (guards run before pipes, so a malformed
 * body is a 400 here, never a trip through passport), then runs LocalStrategy on the
 * application's own passport.
 */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  private readonly validation = new AppValidationPipe();

  constructor(private readonly passport: AppPassport) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    req.body = (await this.validation.transform(req.body, { type: 'body', metatype: LoginDto })) as LoginDto;
    res.locals[LOGIN_USER] = await new Promise<User>((resolve, reject) => {
      const authenticate = this.passport.authenticate('local', { session: false }, (error: unknown, user?: User) => {
        if (error) reject(error instanceof Error ? error : new UnauthorizedException(BAD_CREDENTIALS));
        else if (!user) reject(new UnauthorizedException(BAD_CREDENTIALS));
        else resolve(user);
      }) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
      authenticate(req, res, (error) => reject(error instanceof Error ? error : new UnauthorizedException()));
    });
    return true;
  }
}

/** The account LocalAuthGuard just verified (only on the login route). */
export const LoginUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): User =>
    ctx.switchToHttp().getResponse<Response>().locals[LOGIN_USER] as User,
);
