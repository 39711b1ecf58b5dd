import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { STRATEGY } from './app';

/** How a test client proves who it is. In `both` mode the specs run once per credential. */
export type Credential = 'cookie' | 'bearer';

export const CREDENTIALS: Credential[] =
  STRATEGY === 'both' ? ['cookie', 'bearer'] : STRATEGY === 'jwt' ? ['bearer'] : ['cookie'];

const UNSAFE = new Set(['post', 'patch', 'put', 'delete']);
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface UserBody {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  createdAt: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

/**
 * A client address of its own, to send as X-Forwarded-For (the harness trusts one proxy hop):
 * login rate-limit counters live in the shared Redis, so a spec that fails logins, or one
 * that runs with a small LOGIN_MAX_ATTEMPTS, must not share 127.0.0.1 with every other spec.
 */
export function uniqueIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

const REASONS = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
} as const;

/** Matches NestJS's error body of API.md: `{ statusCode, message, error }`, nothing else. */
export function nestError(statusCode: keyof typeof REASONS): Record<string, unknown> {
  return { statusCode, message: expect.anything() as unknown, error: REASONS[statusCode] };
}

/** The Set-Cookie headers of a response (none: an empty list). */
export function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The Set-Cookie header that sets cookie `name`, if the response has one. */
export function findSetCookie(res: request.Response, name: string): string | undefined {
  return setCookies(res).find((header) => header.startsWith(`${name}=`));
}

/** `name=value` of the cookie `name` a response sets, ready for a Cookie request header. */
export function cookiePair(res: request.Response, name: string): string {
  const header = findSetCookie(res, name);
  if (!header) throw new Error(`the response sets no ${name} cookie: ${JSON.stringify(setCookies(res))}`);
  return header.split(';')[0];
}

/** The session id inside express-session's signed cookie (`name=s%3A<id>.<signature>`). */
export function sessionIdOf(pair: string): string {
  const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
  const match = /^s:(.+)\.[^.]+$/.exec(value);
  if (!match) throw new Error(`not a signed session cookie: ${pair}`);
  return match[1];
}

/**
 * A logged-in client. With a cookie it keeps the cookie jar (supertest agent) and sends
 * X-CSRF-Token on unsafe requests, as a browser front end does; with a bearer token it
 * sends Authorization and no cookies at all.
 */
export class ApiClient {
  csrfToken?: string;
  accessToken?: string;
  refreshToken?: string;
  loginBody: Record<string, unknown> = {};
  /** The response of the last login (its Set-Cookie headers, for the cookie specs). */
  loginResponse?: request.Response;

  private constructor(
    readonly http: Server | string,
    readonly via: Credential,
    readonly agent: ReturnType<typeof request.agent>,
  ) {}

  static anonymous(http: Server | string, via: Credential = CREDENTIALS[0]): ApiClient {
    return new ApiClient(http, via, request.agent(http));
  }

  /** Registers a fresh account and logs it in. */
  static async signUp(http: Server | string, via: Credential = CREDENTIALS[0], name?: string): Promise<SignedUp> {
    const email = uniqueEmail();
    const registered = await request(http)
      .post('/auth/register')
      .send({ email, password: PASSWORD, ...(name ? { name } : {}) })
      .expect(201);
    const client = ApiClient.anonymous(http, via);
    await client.login(email, PASSWORD);
    return { client, email, password: PASSWORD, user: registered.body as UserBody };
  }

  async login(email: string, password: string): Promise<request.Response> {
    // A bearer client keeps no cookie jar, so it proves the token alone is enough.
    const http = this.via === 'cookie' ? this.agent : request(this.http);
    const res = await http.post('/auth/login').send({ email, password }).expect(200);
    this.loginBody = res.body as Record<string, unknown>;
    this.loginResponse = res;
    if (this.via === 'bearer') {
      this.accessToken = this.loginBody.accessToken as string;
      this.refreshToken = this.loginBody.refreshToken as string;
    } else {
      await this.fetchCsrfToken();
    }
    return res;
  }

  async fetchCsrfToken(): Promise<string> {
    const res = await this.agent.get('/auth/csrf').expect(200);
    this.csrfToken = (res.body as { csrfToken: string }).csrfToken;
    return this.csrfToken;
  }

  /** A request carrying this client's credential (and CSRF token where it applies). */
  send(method: Method, path: string): request.Test {
    const req = this.via === 'cookie' ? this.agent[method](path) : request(this.http)[method](path);
    if (this.via === 'bearer' && this.accessToken) void req.set('Authorization', `Bearer ${this.accessToken}`);
    if (this.via === 'cookie' && UNSAFE.has(method) && this.csrfToken) void req.set('X-CSRF-Token', this.csrfToken);
    return req;
  }

  get(path: string): request.Test {
    return this.send('get', path);
  }
  post(path: string): request.Test {
    return this.send('post', path);
  }
  put(path: string): request.Test {
    return this.send('put', path);
  }
  patch(path: string): request.Test {
    return this.send('patch', path);
  }
  delete(path: string): request.Test {
    return this.send('delete', path);
  }
}

export interface SignedUp {
  client: ApiClient;
  email: string;
  password: string;
  user: UserBody;
}
