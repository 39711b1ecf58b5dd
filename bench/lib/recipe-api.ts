/**
 * The few calls the bench makes to the outside references (bench/references/): the docs
 * recipes' `POST /auth/login`, and what an unauthenticated request gets from each. `bare` has
 * no login: it lets every request in.
 */
import { RECIPE_USER } from '../references/common';
import { call, Credential, LoggedIn } from './api';

/**
 * The status of an unauthenticated request. The docs' session recipe guards with
 * `AuthenticatedGuard`, which returns false (Nest: 403); its JWT recipe throws UnauthorizedException.
 */
export const REFUSED_STATUS: Record<Exclude<Credential, 'none'>, number> = { cookie: 403, bearer: 401 };

/** Logs the recipes' one user in: a session cookie, or a bearer token. */
export async function logInToRecipe(baseUrl: string, via: Credential): Promise<LoggedIn> {
  if (via === 'none') return { userId: '', headers: {}, storedId: '' };
  const { username, password } = RECIPE_USER;
  const reply = await call(baseUrl, 'POST', '/auth/login', { body: { username, password }, expect: 200 });
  const userId = String(RECIPE_USER.id);
  if (via === 'cookie') {
    if (reply.cookies.length === 0) throw new Error(`${baseUrl}: the login set no session cookie`);
    return { userId, headers: { Cookie: reply.cookies.join('; ') }, storedId: '' };
  }
  const token = reply.body.access_token;
  if (typeof token !== 'string') throw new Error(`${baseUrl}: the login answered no access_token`);
  return { userId, headers: { Authorization: `Bearer ${token}` }, storedId: '' };
}
