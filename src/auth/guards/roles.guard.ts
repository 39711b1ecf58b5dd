import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../../users/domain/user';
import { ROLES_KEY } from '../decorators/roles.decorator';

/**
 * The second global guard, after AuthenticatedGuard: a route marked @Roles() is for callers
 * holding every role it names. The roles come with the credential (the session record, the
 * access token), so the check costs no store round trip.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const held = context.switchToHttp().getRequest<Request>().user?.roles ?? [];
    if (!required.every((role) => held.includes(role))) {
      throw new ForbiddenException(`Requires the ${required.join(', ')} role`);
    }
    return true;
  }
}
