import { createParamDecorator, ExecutionContext, Injectable, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { User } from '../../users/domain/user';
import { LoginDto } from '../dto/register.dto';
import { VALIDATION_OPTIONS } from '../../common/validation';

/**
 * passport-local behind a validated body: guards run before pipes, so the body is
 * checked here first and a malformed one is a 400, never a trip through passport.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = new ValidationPipe(VALIDATION_OPTIONS);

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    req.body = (await this.validation.transform(req.body, { type: 'body', metatype: LoginDto })) as LoginDto;
    return (await super.canActivate(context)) as boolean;
  }
}

/** The account LocalAuthGuard just verified (only on the login route). */
export const LoginUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>().user as unknown as User,
);
