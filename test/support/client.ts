import { randomUUID } from 'node:crypto';
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
  createdAt: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

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

  private constructor(
    readonly http: Server,
    readonly via: Credential,
    readonly agent: ReturnType<typeof request.agent>,
  ) {}

  static anonymous(http: Server, via: Credential = CREDENTIALS[0]): ApiClient {
    return new ApiClient(http, via, request.agent(http));
  }

  /** Registers a fresh account and logs it in. */
  static async signUp(http: Server, via: Credential = CREDENTIALS[0], name?: string): Promise<SignedUp> {
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
