/**
 * Reference `docs-jwt` (issue 13): the NestJS docs' JWT recipe (Security → Authentication), with
 * the secret imported once as a `KeyObject` (given a string, jsonwebtoken imports it again on every
 * verify: issue 5 measured that recipe at 0.24 of the guard-free reference, and at 0.82 with a
 * `KeyObject`). `POST /auth/login` signs a
 * token for the docs' one user; the measured routes sit behind the docs' `AuthGuard`: the bearer
 * token from `Authorization`, `verifyAsync`, the payload on `req.user`.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Module,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { failed, HealthController, measuredRoutes, portFromEnv, RECIPE_USER } from './common';

interface Payload {
  sub: number;
  username: string;
}

@Injectable()
class AuthGuard implements CanActivate {
  constructor(private readonly jwtService: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // The service's Express.User (which the project's typings declare) is not this recipe's payload.
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; user?: Payload }>();
    const [type, token] = request.headers.authorization?.split(' ') ?? [];
    if (type !== 'Bearer' || !token) throw new UnauthorizedException();
    try {
      request.user = await this.jwtService.verifyAsync<Payload>(token);
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller('auth')
class AuthController {
  constructor(private readonly jwtService: JwtService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: { username?: string; password?: string }): Promise<{ access_token: string }> {
    if (body.username !== RECIPE_USER.username || body.password !== RECIPE_USER.password)
      throw new UnauthorizedException();
    return {
      access_token: await this.jwtService.signAsync<Payload>({ sub: RECIPE_USER.id, username: RECIPE_USER.username }),
    };
  }
}

@Module({
  imports: [
    JwtModule.register({
      secret: createSecretKey(randomBytes(32)),
      // Longer than any bench run, like the service's JWT_ACCESS_TTL in the bench.
      signOptions: { expiresIn: '2h' },
    }),
  ],
  controllers: [HealthController, AuthController, measuredRoutes(AuthGuard)],
})
class DocsJwtModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(DocsJwtModule, { logger: ['error', 'warn'] });
  await app.listen(portFromEnv(), '127.0.0.1');
}

bootstrap().catch(failed('docs-jwt reference'));
