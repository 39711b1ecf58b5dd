import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { addAuthSchemes, applyOperationSecurity, describeAuth } from './auth/auth.openapi';
import { requestInterceptor, responseInterceptor } from './auth/auth.swagger-ui';
import { RequireJsonBodyInterceptor } from './common/require-json-body.interceptor';
import { VALIDATION_OPTIONS } from './common/validation';
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
  app.use(cookieParser());
  app.useGlobalInterceptors(new RequireJsonBodyInterceptor());
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
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

/** Far deeper than any DTO. class-transformer recurses once per level and overflows the stack near 3000: a 500. */
export const MAX_JSON_DEPTH = 32;

/**
 * Before the body is parsed: bytes that are not UTF-8 (which the decoder would silently turn
 * into U+FFFD and store) and nesting deeper than MAX_JSON_DEPTH (counting brackets outside
 * strings) are a 400.
 */
function checkJsonBytes(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw badJson('Request body is not valid UTF-8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      // A backslash: skip the escaped character.
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw badJson(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

/** A SyntaxError with status 400 is what Nest answers as a 400 in its own shape. */
function badJson(message: string): SyntaxError {
  return Object.assign(new SyntaxError(message), { status: 400 });
}

function setUpSwagger(app: NestExpressApplication, config: AppConfig): void {
  const builder = new DocumentBuilder()
    .setTitle('nest-dual-auth')
    .setDescription(
      'Users, posts near a place, and authentication by a session cookie, bearer tokens or both over the ' +
        `same routes (AUTH_STRATEGY).\n\n${describeAuth(config)}`,
    )
    .setVersion('1');
  const document = applyOperationSecurity(
    SwaggerModule.createDocument(app, addAuthSchemes(builder, config).build()),
    config,
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Written into /docs/swagger-ui-init.js: "Try it out" sends the CSRF token and the bearer token.
    swaggerOptions: { requestInterceptor, responseInterceptor },
  });
}
