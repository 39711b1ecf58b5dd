/**
 * Reference `docs-session` (issue 13): the NestJS docs' session recipe, the way most NestJS
 * services do cookie sessions. express-session with connect-redis 8 (`RedisStore` over ioredis,
 * at the bench's REDIS_URL), `rolling: true` (the cookie and the record's TTL renewed on every
 * request: express-session's touch, an `EXPIRE`, and a `Set-Cookie`), and passport:
 * `passport.session()` deserializes the user on every request, `POST /auth/login` authenticates
 * with passport-local and `logIn`s, and the measured routes sit behind an `AuthenticatedGuard`
 * that checks `req.isAuthenticated()` (false: Nest answers 403).
 */
import { randomBytes } from 'node:crypto';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RedisStore } from 'connect-redis';
import type { Request } from 'express';
import session from 'express-session';
import Redis from 'ioredis';
import passport from 'passport';
import { Strategy } from 'passport-local';
import { failed, HealthController, measuredRoutes, portFromEnv, RECIPE_USER } from './common';

interface User {
  id: number;
  username: string;
}

/** The users deserializeUser looks up, by id: in memory, as the service's DATA_STORE=memory in the bench. */
const USERS = new Map<number, User>([[RECIPE_USER.id, { id: RECIPE_USER.id, username: RECIPE_USER.username }]]);

/** The service's default idle expiry (SESSION_IDLE_TTL), so both keep a session alive as long. */
const IDLE_MS = 30 * 60_000;

@Injectable()
class LocalStrategy extends PassportStrategy(Strategy) {
  validate(username: string, password: string): User {
    if (username !== RECIPE_USER.username || password !== RECIPE_USER.password) throw new UnauthorizedException();
    return USERS.get(RECIPE_USER.id)!;
  }
}

/** passport-local, then `logIn`: the session is created here (AuthGuard alone does not log in). */
@Injectable()
class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest<Request>());
    return result;
  }
}

@Injectable()
class SessionSerializer extends PassportSerializer {
  serializeUser(user: User, done: (error: Error | null, id: number) => void): void {
    done(null, user.id);
  }

  deserializeUser(id: number, done: (error: Error | null, user: User | null) => void): void {
    done(null, USERS.get(id) ?? null);
  }
}

@Injectable()
class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().isAuthenticated();
  }
}

@Controller('auth')
class AuthController {
  @Post('login')
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  login(@Req() req: Request): unknown {
    return req.user;
  }
}

@Module({
  imports: [PassportModule],
  controllers: [HealthController, AuthController, measuredRoutes(AuthenticatedGuard)],
  providers: [LocalStrategy, SessionSerializer],
})
class DocsSessionModule {}

async function bootstrap(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  const app = await NestFactory.create<NestExpressApplication>(DocsSessionModule, { logger: ['error', 'warn'] });
  app.use(
    session({
      // Its own prefix: the bench counts the service's sessions under `sess:`.
      store: new RedisStore({ client: new Redis(redisUrl), prefix: 'docs-sess:' }),
      secret: randomBytes(32).toString('hex'),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { maxAge: IDLE_MS, httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  await app.listen(portFromEnv(), '127.0.0.1');
}

bootstrap().catch(failed('docs-session reference'));
