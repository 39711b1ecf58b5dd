import { BadRequestException } from '@nestjs/common';
import { urlencoded, type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AUTH_MECHANISMS, AuthMechanism } from './auth/auth-mechanism';
import { addAuthSchemes, applyOperationSecurity, describeAuth } from './auth/auth.openapi';
import { requestInterceptor, responseInterceptor } from './auth/auth.swagger-ui';
import { RequireJsonBodyGuard } from './common/require-json-body.guard';
import { checkJsonBytes } from './common/json-bytes';
import { AppValidationPipe } from './common/validation';
import type { AppConfig } from './config/config.schema';

export const BODY_LIMIT = '100kb';

/** App-wide HTTP setup, shared by main.ts and the e2e suites so they test what ships. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxyHops);
  app.use(
    helmet({
      // Over plain HTTP (development, a first docker compose run), upgrading every request to
      // https would leave Swagger UI blank; behind TLS (COOKIE_SECURE=true) both apply.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.cookie.secure ? [] : null } },
      strictTransportSecurity: config.cookie.secure,
    }),
  );
  app.enableCors({
    // Only listed origins get Access-Control-Allow-Origin; others get no CORS headers at all.
    origin: (origin, allow) => allow(null, origin !== undefined && config.corsOrigins.includes(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-CSRF-Token', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  app.use(refusePrototypeQueryKeys);
  app.useBodyParser('json', { limit: BODY_LIMIT, reviver: refusePrototypeKeys, verify: checkJsonBytes });
  // The OpenID provider posts its back-channel logout as a form (the only form the API takes).
  if (config.oidc) app.use('/auth/oidc/backchannel-logout', urlencoded({ extended: false, limit: BODY_LIMIT }));
  // After the APP_GUARDs registered by AuthModule (Nest appends these to them): 401/403 before 415.
  app.useGlobalGuards(new RequireJsonBodyGuard());
  app.useGlobalPipes(new AppValidationPipe());
  setUpSwagger(app, config);
}

/**
 * JSON keys that name members of Object.prototype (`__proto__`, `constructor`, `toString`…)
 * have no business in a request, and some validators skip them: refuse the body (400).
 */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (Object.prototype.hasOwnProperty.call(Object.prototype, key)) {
    throw new SyntaxError(`"${key}" is not allowed as a JSON key`);
  }
  return value;
}

/** The query-string side of refusePrototypeKeys: `?toString=1` is an unknown parameter (400), not ignored. */
function refusePrototypeQueryKeys(req: Request, _res: Response, next: NextFunction): void {
  const key = Object.keys(req.query).find((name) => Object.prototype.hasOwnProperty.call(Object.prototype, name));
  next(key === undefined ? undefined : new BadRequestException([`property ${key} should not exist`]));
}

function setUpSwagger(app: NestExpressApplication, config: AppConfig): void {
  const mechanisms = app.get<AuthMechanism[]>(AUTH_MECHANISMS, { strict: false });
  const builder = new DocumentBuilder()
    .setTitle('nest-dual-auth')
    .setDescription(
      'Users, posts near a place, and authentication by a session cookie, bearer tokens or both over the ' +
        `same routes (AUTH_STRATEGY).\n\nThis deployment: \`AUTH_STRATEGY=${config.authStrategy}\`. ${describeAuth(mechanisms)}`,
    )
    .setVersion('1');
  const document = applyOperationSecurity(
    SwaggerModule.createDocument(app, addAuthSchemes(builder, mechanisms).build()),
    mechanisms,
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Written into /docs/swagger-ui-init.js: "Try it out" sends the CSRF token and the bearer token.
    swaggerOptions: { requestInterceptor, responseInterceptor },
  });
}
