import { randomUUID } from 'node:crypto';
import type { AuthStrategy } from '../../../src/config/config.schema';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export interface PostBody {
  id: string;
  userId: string;
  text: string;
}

/**
 * A witness outside the browser: an account of its own that reads the API directly, to check
 * what a page did or could not do (for example, that no post was created).
 */
export class NodeApi {
  private constructor(
    private readonly apiUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** Registers a fresh account and logs in: with the session cookie in `session` mode, else a bearer token. */
  static async signUp(apiUrl: string, strategy: AuthStrategy): Promise<NodeApi> {
    const email = uniqueEmail('witness');
    await expectStatus(post(apiUrl, '/auth/register', { email, password: PASSWORD }), 201);
    const login = await expectStatus(post(apiUrl, '/auth/login', { email, password: PASSWORD }), 200);
    if (strategy === 'session') {
      const sid = login.headers.getSetCookie().find((cookie) => cookie.startsWith('sid='));
      if (!sid) throw new Error(`login set no sid cookie: ${JSON.stringify(login.headers.getSetCookie())}`);
      return new NodeApi(apiUrl, { Cookie: sid.split(';')[0] });
    }
    const { accessToken } = (await login.json()) as { accessToken: string };
    return new NodeApi(apiUrl, { Authorization: `Bearer ${accessToken}` });
  }

  /** The newest posts of everyone (GET /posts, newest first). */
  async latestPosts(limit = 100): Promise<PostBody[]> {
    const res = await expectStatus(fetch(`${this.apiUrl}/posts?limit=${limit}`, { headers: this.headers }), 200);
    return (await res.json()) as PostBody[];
  }
}

export function post(apiUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function expectStatus(pending: Promise<Response>, status: number): Promise<Response> {
  const res = await pending;
  if (res.status !== status) throw new Error(`${res.url}: expected ${status}, got ${res.status} ${await res.text()}`);
  return res;
}
