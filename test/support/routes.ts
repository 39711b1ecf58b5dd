import type { AuthStrategy } from '../../src/config/config.schema';

interface ContractRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI spelling: `{id}` where API.md writes `:id`. */
  path: string;
  /** Where API.md limits a route to some modes or some JWT_ALGORITHMs. */
  strategies?: AuthStrategy[];
  asymmetricKeysOnly?: boolean;
  /** Needs no credential (`public` in API.md): the document declares `security: []`, Swagger UI shows no lock. */
  isPublic?: true;
  /** Exists only with single sign-on configured (OIDC_ISSUER_URL). */
  sso?: true;
}

/**
 * The one table of the HTTP routes (docs/api.md), without /docs and /docs-json themselves: the
 * OpenAPI spec (test/docs-health.e2e-spec.ts) and the browser suite's Swagger UI spec both read it.
 */
const CONTRACT: ContractRoute[] = [
  { method: 'POST', path: '/auth/register', isPublic: true },
  { method: 'POST', path: '/auth/login', isPublic: true },
  { method: 'POST', path: '/auth/logout' },
  { method: 'POST', path: '/auth/refresh', strategies: ['jwt', 'both'], isPublic: true },
  { method: 'GET', path: '/auth/me' },
  { method: 'GET', path: '/auth/csrf', strategies: ['session', 'both'], isPublic: true },
  { method: 'GET', path: '/auth/sessions' },
  { method: 'DELETE', path: '/auth/sessions/{id}' },
  { method: 'POST', path: '/auth/logout-all' },
  { method: 'POST', path: '/auth/password' },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    strategies: ['jwt', 'both'],
    asymmetricKeysOnly: true,
    isPublic: true,
  },
  { method: 'POST', path: '/posts' },
  { method: 'GET', path: '/posts' },
  { method: 'GET', path: '/posts/near' },
  { method: 'GET', path: '/posts/{id}' },
  { method: 'PATCH', path: '/posts/{id}' },
  { method: 'DELETE', path: '/posts/{id}' },
  { method: 'GET', path: '/admin/users' },
  { method: 'GET', path: '/admin/users/{id}/sessions' },
  { method: 'DELETE', path: '/admin/users/{id}/sessions/{sessionId}' },
  { method: 'POST', path: '/admin/users/{id}/logout-all' },
  { method: 'POST', path: '/admin/users/{id}/lock' },
  { method: 'POST', path: '/admin/users/{id}/unlock' },
  { method: 'PUT', path: '/admin/users/{id}/roles' },
  { method: 'GET', path: '/admin/audit' },
  { method: 'GET', path: '/health', isPublic: true },
  { method: 'GET', path: '/auth/oidc/login', isPublic: true, sso: true },
  { method: 'GET', path: '/auth/oidc/callback', isPublic: true, sso: true },
  { method: 'POST', path: '/auth/oidc/token', strategies: ['jwt', 'both'], isPublic: true, sso: true },
  { method: 'GET', path: '/auth/oidc/logout', sso: true },
  { method: 'POST', path: '/auth/oidc/backchannel-logout', isPublic: true, sso: true },
];

/**
 * `METHOD /path` of every route API.md promises for this mode and key type, sorted; with
 * `onlyPublic`, only those that need no credential; with `sso`, the single sign-on routes too.
 */
export function contractRoutes(
  strategy: AuthStrategy,
  asymmetricKeys: boolean,
  onlyPublic = false,
  sso = false,
): string[] {
  return CONTRACT.filter((route) => !route.strategies || route.strategies.includes(strategy))
    .filter((route) => sso || !route.sso)
    .filter((route) => !route.asymmetricKeysOnly || asymmetricKeys)
    .filter((route) => !onlyPublic || route.isPublic)
    .map((route) => `${route.method} ${route.path}`)
    .sort();
}
