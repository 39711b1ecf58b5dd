/** The few calls of API.md the bench makes to seed a variant, through fetch on loopback. */

export type Credential = 'cookie' | 'bearer' | 'none';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** `name=value` of each cookie the response sets. */
  cookies: string[];
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; expect?: number } = {},
): Promise<Reply> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (options.expect !== undefined && res.status !== options.expect) {
    throw new Error(`${method} ${baseUrl}${path}: expected ${options.expect}, got ${res.status} ${text}`);
  }
  return { status: res.status, body, cookies: res.headers.getSetCookie().map((header) => header.split(';')[0]) };
}

export interface LoggedIn {
  userId: string;
  /** What each protected request carries: the session cookie or the bearer token. */
  headers: Record<string, string>;
  /** The id the login stored in Redis: the session id, or the refresh family id. */
  storedId: string;
}

export async function register(baseUrl: string, email: string, password: string): Promise<void> {
  await call(baseUrl, 'POST', '/auth/register', { body: { email, password, name: 'Bench' }, expect: 201 });
}

export async function login(baseUrl: string, email: string, password: string, via: Credential): Promise<LoggedIn> {
  const reply = await call(baseUrl, 'POST', '/auth/login', { body: { email, password }, expect: 200 });
  const userId = (reply.body.user as { id: string }).id;
  if (via === 'cookie') {
    // express-session's signed cookie: s:<session id>.<signature>
    const value = decodeURIComponent(reply.cookies[0]?.split('=')[1] ?? '');
    const match = /^s:(.+)\.[^.]+$/.exec(value);
    if (!match) throw new Error(`login set no signed session cookie: ${JSON.stringify(reply.cookies)}`);
    return { userId, headers: { Cookie: reply.cookies.join('; ') }, storedId: match[1] };
  }
  const accessToken = reply.body.accessToken as string;
  const refreshToken = reply.body.refreshToken as string;
  const claims = JSON.parse(Buffer.from(refreshToken.split('.')[1], 'base64url').toString()) as { fam: string };
  return { userId, headers: { Authorization: `Bearer ${accessToken}` }, storedId: claims.fam };
}

/** POST /posts as `caller`; a cookie caller first fetches a CSRF token, as a browser front end does. */
export async function createPost(baseUrl: string, headers: Record<string, string>, via: Credential): Promise<string> {
  let postHeaders = headers;
  if (via === 'cookie') {
    const csrf = await call(baseUrl, 'GET', '/auth/csrf', { headers, expect: 200 });
    postHeaders = {
      Cookie: [headers.Cookie, ...csrf.cookies].join('; '),
      'X-CSRF-Token': csrf.body.csrfToken as string,
    };
  }
  const post = await call(baseUrl, 'POST', '/posts', {
    headers: postHeaders,
    body: { text: 'Hello from the benchmark', location: { type: 'Point', coordinates: [2.2945, 48.8584] } },
    expect: 201,
  });
  return post.body.id as string;
}
