import type { AuthStrategy } from '../../../src/config/config.schema';

interface ContractRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI spelling: `{id}` where API.md writes `:id`. */
  path: string;
  /** Where API.md limits a route to some modes or some JWT_ALGORITHMs. */
  strategies?: AuthStrategy[];
  asymmetricKeysOnly?: boolean;
}

/** The routes table of ../shared/API.md (version 1), without /docs and /docs-json themselves. */
const CONTRACT: ContractRoute[] = [
  { method: 'POST', path: '/auth/register' },
  { method: 'POST', path: '/auth/login' },
  { method: 'POST', path: '/auth/logout' },
  { method: 'POST', path: '/auth/refresh', strategies: ['jwt', 'both'] },
  { method: 'GET', path: '/auth/me' },
  { method: 'GET', path: '/auth/csrf', strategies: ['session', 'both'] },
  { method: 'GET', path: '/auth/sessions' },
  { method: 'DELETE', path: '/auth/sessions/{id}' },
  { method: 'POST', path: '/auth/logout-all' },
  { method: 'POST', path: '/auth/password' },
  { method: 'GET', path: '/.well-known/jwks.json', strategies: ['jwt', 'both'], asymmetricKeysOnly: true },
  { method: 'POST', path: '/posts' },
  { method: 'GET', path: '/posts' },
  { method: 'GET', path: '/posts/near' },
  { method: 'GET', path: '/posts/{id}' },
  { method: 'PATCH', path: '/posts/{id}' },
  { method: 'DELETE', path: '/posts/{id}' },
  { method: 'GET', path: '/health' },
];

/** `METHOD /path` of every route API.md promises for this mode and key type, sorted. */
export function contractRoutes(strategy: AuthStrategy, asymmetricKeys: boolean): string[] {
  return CONTRACT.filter((route) => !route.strategies || route.strategies.includes(strategy))
    .filter((route) => !route.asymmetricKeysOnly || asymmetricKeys)
    .map((route) => `${route.method} ${route.path}`)
    .sort();
}
