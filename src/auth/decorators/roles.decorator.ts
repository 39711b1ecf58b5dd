import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { Role } from '../../users/domain/user';

export const ROLES_KEY = 'roles';

/**
 * Keeps a route (or every route of a controller) for callers holding all of `roles`: RolesGuard
 * answers 403 to any other authenticated caller, in every AUTH_STRATEGY.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiForbiddenResponse({ description: `The caller lacks the role ${roles.join(', ')} (or the CSRF token)` }),
  );
