/**
 * What the three outside references (bare.ts, docs-session.ts, docs-jwt.ts) share, so that
 * they differ only in their authentication: the measured routes, answered with the same small
 * fixed JSON, the health check the bench waits for, and the one user the two docs recipes know.
 *
 * The routes do no work of their own (no store lookup, no validation): a reference measures the
 * framework plus, for the recipes, the authentication around a route, and nothing else.
 */
import { CanActivate, Controller, Get, Param, Req, Type, UseGuards } from '@nestjs/common';
import type { Request } from 'express';

/** The user both recipes log in. They compare the password as it is, like the docs' example. */
export const RECIPE_USER = { id: 1, username: 'bench', password: 'bench-password' } as const;

/** A user, as bare.ts answers GET /auth/me (the recipes answer their `req.user`). */
const ME = { id: '665f1c2b9d3e4a0087654321', email: 'bench@bench.local', name: 'Bench' };

/** A post the size and shape of the service's (API.md's Post). */
const postBody = (id: string) => ({
  id,
  userId: ME.id,
  text: 'Hello from the benchmark',
  location: { type: 'Point', coordinates: [2.2945, 48.8584] },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/**
 * The routes the bench's load cycles, `GET /posts/:id`, `GET /auth/me`, `GET /posts/near`,
 * in a controller behind `guard` (none for bare.ts). A function, so that each reference puts its
 * own guard on the same class body.
 */
export function measuredRoutes(guard?: Type<CanActivate>): Type<unknown> {
  @Controller()
  class MeasuredRoutes {
    // Declared before 'posts/:id', so that "near" is never taken for an id.
    @Get('posts/near')
    near(): unknown[] {
      return [{ ...postBody('665f1c2b9d3e4a0012345678'), distance: 12.5 }];
    }

    @Get('posts/:id')
    post(@Param('id') id: string): unknown {
      return postBody(id);
    }

    @Get('auth/me')
    me(@Req() req: Request): unknown {
      return req.user ?? ME;
    }
  }
  if (guard) UseGuards(guard)(MeasuredRoutes);
  return MeasuredRoutes;
}

/** GET /health, unguarded: the bench waits for a 200 from it before it seeds a server. */
@Controller('health')
export class HealthController {
  @Get()
  health(): { status: string } {
    return { status: 'ok' };
  }
}

/** The port the bench gave the process (PORT), as main.js reads it. */
export function portFromEnv(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  return port;
}

/** One line on stderr and exit 1: the bench shows the child's output when it does not come up. */
export function failed(what: string): (error: unknown) => never {
  return (error) => {
    process.stderr.write(`${what} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  };
}
