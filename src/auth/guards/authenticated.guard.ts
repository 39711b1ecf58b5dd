import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTH_MECHANISMS, AuthMechanism } from '../auth-mechanism';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';

/**
 * The one global guard: a route is protected unless marked @Public(). It asks each
 * configured mechanism in turn and fails closed: no credential, or a bad one, is 401.
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_MECHANISMS) private readonly mechanisms: AuthMechanism[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const req = context.switchToHttp().getRequest<Request>();
    for (const mechanism of this.mechanisms) {
      const user = await mechanism.authenticate(req);
      if (user) {
        req.user = user;
        return true;
      }
    }
    throw new UnauthorizedException('Authentication required');
  }
}
