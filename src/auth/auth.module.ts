import { DynamicModule, MiddlewareConsumer, Module, NestModule, Optional, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '../config/config.schema';
import { MongoReadiness } from '../database/mongo-readiness';
import type { RedisClient } from '../redis/redis.client';
import { REDIS } from '../redis/redis.module';
import { RedisWrites } from '../redis/redis-writes';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AUTH_MECHANISMS, AuthMechanism } from './auth-mechanism';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AppPassport } from './local/app-passport';
import { LocalStrategy } from './local/local.strategy';
import { noStore } from './no-store.middleware';
import { AuthenticatedGuard } from './guards/authenticated.guard';
import { RolesGuard } from './guards/roles.guard';
import { BEARER_CHALLENGE } from './bearer-challenge';
import { LoginThrottle } from './throttle/login-throttle';
import { RegistrationThrottle } from './throttle/registration-throttle';
import { PasswordHasher } from './password-hasher';
import { CsrfService } from './session/csrf.service';
import { SessionAuthController } from './session/session-auth.controller';
import { SessionMechanism } from './session/session.mechanism';
import { MemorySessionIndex, RedisSessionIndex, SessionIndex } from './session/session-index';
import { SESSION_STORE, SessionMiddleware } from './session/session.middleware';
import { createSessionStore } from './session/session-store.factory';
import { JwtKeys } from './tokens/jwt-keys';
import { JwtMechanism } from './tokens/jwt.mechanism';
import { MemoryTokenStore } from './tokens/memory-token.store';
import { RedisTokenStore } from './tokens/redis-token.store';
import { JwksController } from './tokens/jwks.controller';
import { TokenAuthController } from './tokens/token-auth.controller';
import { TokenService } from './tokens/token.service';
import { TokenStore } from './tokens/token.store';
import { MemoryOidcTicketStore } from './oidc/memory-oidc-ticket.store';
import { OidcIssuer } from './oidc/oidc-issuer';
import { OidcTicketStore } from './oidc/oidc-ticket.store';
import { OidcTokenController } from './oidc/oidc-token.controller';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';
import { LogoutTokenVerifier } from './oidc/logout-token.verifier';
import { MemorySsoLogins } from './oidc/memory-sso-logins';
import { RedisSsoLogins } from './oidc/redis-sso-logins';
import { SsoLogins } from './oidc/sso-logins';
import { RedisOidcTicketStore } from './oidc/redis-oidc-ticket.store';

interface MechanismParts {
  mechanism: Type<AuthMechanism>;
  imports?: DynamicModule[];
  controllers: Type[];
  providers: Provider[];
}

function sessionParts(config: AppConfig): MechanismParts {
  return {
    mechanism: SessionMechanism,
    controllers: [SessionAuthController],
    providers: [
      {
        provide: SESSION_STORE,
        useFactory: (client?: RedisClient, writes?: RedisWrites, mongo?: MongoReadiness) =>
          createSessionStore(config, { client, writes }, mongo),
        inject: [
          { token: REDIS, optional: true },
          { token: RedisWrites, optional: true },
          { token: MongoReadiness, optional: true },
        ],
      },
      SessionMiddleware,
      CsrfService,
      { provide: SessionIndex, useClass: config.redis ? RedisSessionIndex : MemorySessionIndex },
    ],
  };
}

function tokenParts(config: AppConfig): MechanismParts {
  const keys = JwtKeys.load(config.jwt);
  return {
    mechanism: JwtMechanism,
    // This application's own JwtService (not global: tests run several applications in one process).
    imports: [JwtModule.register(keys.moduleOptions(config.jwt))],
    // The JWKS route exists only where there are public keys to publish.
    controllers: [TokenAuthController, ...(config.jwt.algorithm === 'HS256' ? [] : [JwksController])],
    providers: [
      { provide: JwtKeys, useValue: keys },
      // Every 401 then says how to authenticate (RFC 6750 §3): HttpErrorsFilter sends it.
      { provide: BEARER_CHALLENGE, useValue: true },
      TokenService,
      { provide: TokenStore, useClass: config.redis ? RedisTokenStore : MemoryTokenStore },
    ],
  };
}

/**
 * Single sign-on, when OIDC_ISSUER_URL is set: a way of logging in, not of carrying the
 * identity, so it ends in AuthService.issueCredentials like the password login.
 */
function oidcParts(config: AppConfig): Pick<MechanismParts, 'controllers' | 'providers'> {
  if (!config.oidc) return { controllers: [], providers: [] };
  return {
    // The one-time code's exchange exists where tokens do.
    controllers: [OidcController, ...(config.authStrategy !== 'session' ? [OidcTokenController] : [])],
    providers: [
      OidcIssuer,
      OidcService,
      LogoutTokenVerifier,
      { provide: OidcTicketStore, useClass: config.redis ? RedisOidcTicketStore : MemoryOidcTicketStore },
      { provide: SsoLogins, useClass: config.redis ? RedisSsoLogins : MemorySsoLogins },
    ],
  };
}

/**
 * The only place that reads AUTH_STRATEGY. It decides which mechanisms stand behind the
 * global AuthenticatedGuard, which mode-specific routes exist, and which middleware runs;
 * the rest of the application never knows how a request was authenticated.
 */
@Module({})
export class AuthModule implements NestModule {
  constructor(@Optional() private readonly sessionMiddleware?: SessionMiddleware) {}

  static forRoot(config: AppConfig): DynamicModule {
    // Bearer first: in `both` mode a request with an Authorization header is judged by it,
    // and a login starts its refresh family before the cookie session that links to it.
    const parts = [
      ...(config.authStrategy !== 'session' ? [tokenParts(config)] : []),
      ...(config.authStrategy !== 'jwt' ? [sessionParts(config)] : []),
    ];
    const mechanisms = parts.map((part) => part.mechanism);
    const sso = oidcParts(config);

    return {
      module: AuthModule,
      // Global for AuthService: AdminModule ends a user's sessions through the same mechanisms.
      global: true,
      imports: [UsersModule, AuditModule, ...parts.flatMap((part) => part.imports ?? [])],
      controllers: [AuthController, ...parts.flatMap((part) => part.controllers), ...sso.controllers],
      providers: [
        AuthService,
        AppPassport,
        LocalStrategy,
        PasswordHasher,
        LoginThrottle,
        RegistrationThrottle,
        ...parts.flatMap((part) => [part.mechanism, ...part.providers]),
        ...sso.providers,
        { provide: AUTH_MECHANISMS, useFactory: (...all: AuthMechanism[]) => all, inject: mechanisms },
        AuthenticatedGuard,
        // useExisting, so that a testing module's overrideProvider(AuthenticatedGuard) reaches it (overrideGuard
        // replaces only guards bound with @UseGuards, not providers).
        { provide: APP_GUARD, useExisting: AuthenticatedGuard },
        // After AuthenticatedGuard (global guards run in the order they are provided): @Roles() routes.
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [AuthService, ...(config.authStrategy === 'session' ? [] : [BEARER_CHALLENGE])],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(noStore).forRoutes('auth/{*splat}');
    // express-session parses its own cookie; CsrfService parses the CSRF cookie when it needs it.
    if (this.sessionMiddleware) consumer.apply(SessionMiddleware).forRoutes('{*splat}');
  }
}
