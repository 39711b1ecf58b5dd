/**
 * The benchmark's reference: the same application as dist/main.js (same compiled modules,
 * routes, middleware, pipes and filters), with the global AuthenticatedGuard replaced by
 * one that lets every request in as one benchmark user. Its throughput is what the service
 * would do if authentication cost nothing; bench/run.ts divides every variant by it.
 *
 * Run with the configuration in the environment, like main.js, with AUTH_STRATEGY=jwt and
 * JWT_REVOCATION=none so that no session middleware runs either, and the dist/ directory as
 * its argument. It registers the benchmark user itself (through AuthService, as
 * POST /auth/register does) before it listens. bench/run.ts runs it compiled to plain
 * JavaScript: ts-node in the process (the TypeScript compiler, 100+ MB of heap) would slow
 * the reference down and flatter every ratio.
 */
import { join, resolve } from 'node:path';
import { CanActivate, ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';

const REFERENCE_EMAIL = 'reference@bench.local';

const DIST = process.argv[2] ?? resolve(__dirname, '..', 'dist');

/** A module of dist/, typed by its source: the reference runs the same compiled code as main.js. */
async function fromDist<T>(module: string): Promise<T> {
  return (await import(join(DIST, module))) as T;
}

class LetEveryoneIn implements CanActivate {
  user?: AuthenticatedUser;

  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<Request>().user = this.user;
    return true;
  }
}

async function bootstrap(): Promise<void> {
  const [{ AppModule }, { configureApp }, { loadConfig }, { AuthService }, { AuthenticatedGuard }] = await Promise.all([
    fromDist<typeof import('../src/app.module')>('app.module'),
    fromDist<typeof import('../src/app.setup')>('app.setup'),
    fromDist<typeof import('../src/config/config.schema')>('config/config.schema'),
    fromDist<typeof import('../src/auth/auth.service')>('auth/auth.service'),
    fromDist<typeof import('../src/auth/guards/authenticated.guard')>('auth/guards/authenticated.guard'),
  ]);
  const config = loadConfig(process.env);
  const guard = new LetEveryoneIn();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(AuthenticatedGuard)
    .useValue(guard)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureApp(app, config);
  const user = await app
    .get(AuthService)
    .register({ email: REFERENCE_EMAIL, password: 'reference-password' }, '127.0.0.1');
  guard.user = { id: user.id, credential: 'bearer', roles: user.roles };
  await app.listen(config.port, '127.0.0.1');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`reference server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
