import { createParamDecorator, ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedUser } from '../authenticated-user';

/**
 * The caller, as the global AuthenticatedGuard established it, whichever credential
 * (cookie or bearer token) the request carried. Only valid on protected routes.
 */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const user = ctx.switchToHttp().getRequest<Request>().user;
  // A protected route always has a user; reaching here without one is a wiring bug.
  if (!user) throw new InternalServerErrorException('No authenticated user on a protected route');
  return user;
});
