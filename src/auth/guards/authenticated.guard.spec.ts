import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthMechanism } from '../auth-mechanism';
import type { AuthenticatedUser } from '../authenticated-user';
import { AuthenticatedGuard } from './authenticated.guard';

/** A mechanism that answers `result` (or throws it) and counts its calls. */
function mechanism(result: AuthenticatedUser | null | Error) {
  const calls: Request[] = [];
  const fake = {
    calls,
    authenticate: (req: Request) => {
      calls.push(req);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
  };
  return fake as unknown as AuthMechanism & { calls: Request[] };
}

function context(isPublic: boolean): { ctx: ExecutionContext; req: Request } {
  const req = {} as Request;
  const handler = () => undefined;
  if (isPublic) Reflect.defineMetadata('isPublic', true, handler);
  const ctx = {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { ctx, req };
}

describe('AuthenticatedGuard', () => {
  const ann: AuthenticatedUser = { id: 'ann', credential: 'bearer', roles: ['user'] };
  const bob: AuthenticatedUser = { id: 'bob', credential: 'cookie', roles: ['user'] };

  it('lets a @Public() route through without asking any mechanism', async () => {
    const bearer = mechanism(null);
    const { ctx } = context(true);
    await expect(new AuthenticatedGuard(new Reflector(), [bearer]).canActivate(ctx)).resolves.toBe(true);
    expect(bearer.calls).toHaveLength(0);
  });

  it('takes the first mechanism that knows the caller, and asks no further', async () => {
    const bearer = mechanism(ann);
    const cookie = mechanism(bob);
    const { ctx, req } = context(false);
    await expect(new AuthenticatedGuard(new Reflector(), [bearer, cookie]).canActivate(ctx)).resolves.toBe(true);
    expect(req.user).toEqual(ann);
    expect(cookie.calls).toHaveLength(0);
  });

  it('falls through a mechanism that finds no credential of its kind', async () => {
    const { ctx, req } = context(false);
    await new AuthenticatedGuard(new Reflector(), [mechanism(null), mechanism(bob)]).canActivate(ctx);
    expect(req.user).toEqual(bob);
  });

  it('fails closed: a refused credential is not passed over for the next mechanism', async () => {
    const refused = new UnauthorizedException('Invalid or expired token');
    const cookie = mechanism(bob);
    const { ctx, req } = context(false);
    await expect(new AuthenticatedGuard(new Reflector(), [mechanism(refused), cookie]).canActivate(ctx)).rejects.toBe(
      refused,
    );
    expect(cookie.calls).toHaveLength(0);
    expect(req.user).toBeUndefined();
  });

  it('answers 401 when no mechanism finds a credential', async () => {
    const { ctx } = context(false);
    await expect(
      new AuthenticatedGuard(new Reflector(), [mechanism(null), mechanism(null)]).canActivate(ctx),
    ).rejects.toBeInstanceOf(UnauthorizedException);
  });
});
