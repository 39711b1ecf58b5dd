/**
 * Swagger UI's "Try it out", made to work end to end in every AUTH_STRATEGY. These two functions
 * run in the browser, inside Swagger UI: @nestjs/swagger writes their source into
 * /docs/swagger-ui-init.js (a script from the API's own origin, so helmet's CSP lets it run).
 * They must therefore refer to nothing outside their own bodies; what they need to know about
 * the deployment they read from the document Swagger UI shows (its security schemes). And their
 * source goes through String.prototype.replace: no `$` followed by &, `, ', $ or a digit in it.
 * test/docs-health.e2e-spec.ts compiles the served script.
 */

/** A request as swagger-client hands it to `requestInterceptor`. */
export interface SwaggerUiRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
}

/** A response as swagger-client hands it to `responseInterceptor`; `obj` is the parsed JSON body. */
export interface SwaggerUiResponse {
  url: string;
  ok: boolean;
  status: number;
  obj?: unknown;
}

/** Swagger UI keeps the document as Immutable.js collections: the few methods used here. */
interface Immutable {
  getIn(path: string[]): unknown;
  has(key: string): boolean;
  keySeq(): { toArray(): string[] };
  some(test: (item: Immutable) => boolean): boolean;
}

/** The part of `window.ui` (Swagger UI's system) these functions use. */
interface SwaggerUiSystem {
  specSelectors: { specJson(): Immutable };
  preauthorizeApiKey(scheme: string, value: string): void;
  authActions: { logout(schemes: string[]): void };
}

/** The page Swagger UI runs in: its swagger-ui-init.js keeps the system in `window.ui`. */
type SwaggerUiWindow = Window & { ui?: SwaggerUiSystem };

/**
 * Cookie sessions: before a request to an operation whose requirements include the document's
 * `csrf` scheme (POST, PATCH, PUT and DELETE on protected routes), fetch a token bound to the
 * current session (GET /auth/csrf; the browser sends the cookie) and send it in the header the
 * scheme names. Fetched per request, so a login or a password change (which give the session a
 * new id) never leaves a stale token behind. A request that already carries the header, or a
 * bearer token (which needs none), is left as it is.
 */
export async function requestInterceptor(request: SwaggerUiRequest): Promise<SwaggerUiRequest> {
  const spec = (window as SwaggerUiWindow).ui?.specSelectors.specJson();
  const header = spec?.getIn(['components', 'securitySchemes', 'csrf', 'name']);
  if (!spec || typeof header !== 'string') return request;
  const sent = Object.keys(request.headers).map((name) => name.toLowerCase());
  if (sent.includes(header.toLowerCase()) || sent.includes('authorization')) return request;

  const url = new URL(request.url, window.location.href);
  const paths = spec.getIn(['paths']) as Immutable;
  const template = paths
    .keySeq()
    .toArray()
    .find((path) => {
      const pattern = path.replace(/[.*+?^$()|[\]\\]/g, (char) => '\\' + char).replace(/\{[^/}]+\}/g, '[^/]+');
      // A whole-path match without an end anchor: a dollar sign before a quote is a replace pattern.
      return new RegExp('^' + pattern).exec(url.pathname)?.[0] === url.pathname;
    });
  const method = (request.method ?? 'GET').toLowerCase();
  const security = template === undefined ? undefined : (paths.getIn([template, method, 'security']) as Immutable);
  if (!security?.some((requirement) => requirement.has('csrf'))) return request;

  const response = await fetch(new URL('/auth/csrf', url), {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  const body = (await response.json().catch(() => ({}))) as { csrfToken?: unknown };
  if (response.ok && typeof body.csrfToken === 'string') request.headers[header] = body.csrfToken;
  return request;
}

/**
 * Tokens: a login or refresh that answers with an access token authorizes the `bearer` scheme
 * with it (as the Authorize dialog would), so the next "Try it out" carries it; a logout removes
 * it. The token stays in the page's memory (Swagger UI does not persist it).
 */
export function responseInterceptor(response: SwaggerUiResponse): SwaggerUiResponse {
  const ui = (window as SwaggerUiWindow).ui;
  if (!ui?.specSelectors.specJson().getIn(['components', 'securitySchemes', 'bearer'])) return response;
  const path = new URL(response.url, window.location.href).pathname;
  const body = response.obj as { accessToken?: unknown } | undefined;
  if (response.ok && (path === '/auth/login' || path === '/auth/refresh') && typeof body?.accessToken === 'string') {
    ui.preauthorizeApiKey('bearer', body.accessToken);
  } else if (response.ok && (path === '/auth/logout' || path === '/auth/logout-all')) {
    ui.authActions.logout(['bearer']);
  }
  return response;
}
