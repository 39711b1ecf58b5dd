import type { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/config.schema';
import { PUBLIC_OPERATION } from './decorators/public.decorator';

/** The header a cookie-authenticated unsafe request carries its CSRF token in (CsrfService reads it). */
export const CSRF_HEADER = 'X-CSRF-Token';

const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = new Set([...UNSAFE_METHODS, 'get', 'head', 'options']);

/**
 * The OpenAPI security schemes of this deployment's AUTH_STRATEGY: the bearer token and/or the
 * session cookie, one of which every route requires (see applyOperationSecurity for the
 * exceptions), and the CSRF header that goes with the cookie on unsafe methods.
 */
export function addAuthSchemes(builder: DocumentBuilder, config: AppConfig): DocumentBuilder {
  if (config.authStrategy !== 'session') {
    builder
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer');
  }
  if (config.authStrategy !== 'jwt') {
    builder
      .addCookieAuth(
        config.session.cookieName,
        { type: 'apiKey', in: 'cookie', name: config.session.cookieName },
        'cookie',
      )
      .addSecurityRequirements('cookie')
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description:
            'With the cookie, on POST, PATCH, PUT and DELETE: a token from GET /auth/csrf, fetched after login. ' +
            'Swagger UI fetches and sends it by itself.',
        },
        'csrf',
      );
  }
  return builder;
}

/**
 * Per-operation requirements, where they differ from the document's global one: public routes
 * (`@Public()`) require nothing (`security: []`), and unsafe methods with the cookie require the
 * CSRF header too (`{ cookie, csrf }`, or the bearer token alone).
 */
export function applyOperationSecurity(document: OpenAPIObject, config: AppConfig): OpenAPIObject {
  const sessions = config.authStrategy !== 'jwt';
  const tokens = config.authStrategy !== 'session';
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, Record<string, unknown>][]) {
      if (!METHODS.has(method)) continue;
      if (operation[PUBLIC_OPERATION] === true) {
        delete operation[PUBLIC_OPERATION];
        operation.security = [];
      } else if (sessions && UNSAFE_METHODS.has(method)) {
        operation.security = [...(tokens ? [{ bearer: [] }] : []), { cookie: [], csrf: [] }];
      }
    }
  }
  return document;
}

/** How to authenticate in this mode, for the document's description (Swagger UI shows it on top). */
export function describeAuth(config: AppConfig): string {
  const steps: string[] = [
    `This deployment: \`AUTH_STRATEGY=${config.authStrategy}\`. To try it here: \`POST /auth/register\`, then \`POST /auth/login\`.`,
  ];
  if (config.authStrategy !== 'jwt') {
    steps.push(
      'The browser keeps the HttpOnly session cookie from the login response. On every POST, PATCH, PUT and DELETE ' +
        `this page fetches a CSRF token (\`GET /auth/csrf\`) and sends it as \`${CSRF_HEADER}\`.`,
    );
  }
  if (config.authStrategy !== 'session') {
    steps.push(
      'The access token of the login response is put into **Authorize** (bearer) for the next requests; when it ' +
        'expires, log in again or call `POST /auth/refresh`. Logging out removes it.',
    );
  }
  if (config.authStrategy === 'both') {
    steps.push('With both a bearer token and the cookie, the bearer token decides.');
  }
  return steps.join('\n\n');
}
