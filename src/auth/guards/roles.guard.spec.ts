import { ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../../users/domain/user';
import type { AuthenticatedUser } from '../authenticated-user';
import { Roles } from '../decorators/roles.decorator';
import { RolesGuard } from './roles.guard';

class AdminOnly {
  @Roles('admin')
  handle(): void {}

  open(): void {}
}

@Roles('admin')
class AdminController {
  handle(): void {}
}

/** The guard's view of a call to `method` of `type` by `user`. */
function context(type: new () => object, method: string, user?: AuthenticatedUser): ExecutionContext {
  const req = { user } as Request;
  return {
    getHandler: () => (type.prototype as Record<string, unknown>)[method],
    getClass: () => type,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

const caller = (...roles: Role[]): AuthenticatedUser => ({ id: 'u', credential: 'cookie', roles });

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets every caller through a route without @Roles()', () => {
    expect(guard.canActivate(context(AdminOnly, 'open', caller('user')))).toBe(true);
  });

  it('lets a caller holding the role through, on a route or a whole controller', () => {
    expect(guard.canActivate(context(AdminOnly, 'handle', caller('user', 'admin')))).toBe(true);
    expect(guard.canActivate(context(AdminController, 'handle', caller('user', 'admin')))).toBe(true);
  });

  it('answers 403 to a caller without it, from the credential alone', () => {
    for (const ctx of [context(AdminOnly, 'handle', caller('user')), context(AdminController, 'handle', caller())]) {
      expect(() => guard.canActivate(ctx)).toThrow(new ForbiddenException('Requires the admin role'));
    }
  });

  it('fails closed without a caller (a wiring mistake, not a way in)', () => {
    expect(() => guard.canActivate(context(AdminOnly, 'handle'))).toThrow(ForbiddenException);
  });
});
