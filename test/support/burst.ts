import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Credential, PASSWORD } from './client';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Dozens of requests at the same instant, as an attacker would send them: the application
 * listens on a loopback port and every request goes out on an already-open keep-alive
 * connection (warm()), so none waits for a TCP handshake and they reach the server together.
 */
export class Burst {
  private constructor(
    private readonly port: number,
    private readonly agent: Agent,
  ) {}

  /** On `app`'s port (a free loopback port unless it listens already). */
  static async open(app: NestExpressApplication, connections: number): Promise<Burst> {
    const server = app.getHttpServer();
    if (!server.listening) await app.listen(0, '127.0.0.1');
    // Node closes a keep-alive connection idle for 5 s; a request sent on it just then meets a
    // "socket hang up". The warm connections must outlive the pauses of a spec (and a busy machine).
    server.keepAliveTimeout = 10 * 60_000;
    const { port } = server.address() as AddressInfo;
    const burst = new Burst(port, new Agent({ keepAlive: true, maxSockets: connections }));
    await burst.warm(connections);
    return burst;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Opens `connections` keep-alive connections (GET /health on each) for the burst to use. */
  async warm(connections: number): Promise<void> {
    await Promise.all(Array.from({ length: connections }, () => this.send({ path: '/health' })));
  }

  /** Every call at once; the replies in the same order. */
  all(calls: Call[]): Promise<Reply[]> {
    return Promise.all(calls.map((call) => this.send(call)));
  }

  send({ method = 'GET', path, headers = {}, body }: Call): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Logs `email` in and returns the headers that carry the credential: the cookies and a
   * CSRF token bound to them, or the bearer token (with the refresh token beside it).
   */
  async login(
    email: string,
    via: Credential,
    password = PASSWORD,
    ip?: string,
  ): Promise<{ headers: Record<string, string>; refreshToken?: string }> {
    const forwarded: Record<string, string> = ip ? { 'x-forwarded-for': ip } : {};
    const login = await this.send({
      method: 'POST',
      path: '/auth/login',
      headers: forwarded,
      body: { email, password },
    });
    if (login.status !== 200) throw new Error(`login of ${email}: ${login.status} ${JSON.stringify(login.body)}`);
    const { accessToken, refreshToken } = login.body as { accessToken?: string; refreshToken?: string };
    if (via === 'bearer') return { headers: { ...forwarded, authorization: `Bearer ${accessToken}` }, refreshToken };
    const cookie = cookiesOf(login).join('; ');
    const csrf = await this.send({ path: '/auth/csrf', headers: { cookie } });
    const { csrfToken } = csrf.body as { csrfToken: string };
    return {
      headers: { ...forwarded, cookie: [cookie, ...cookiesOf(csrf)].join('; '), 'x-csrf-token': csrfToken },
      refreshToken,
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `name=value` of every cookie a reply sets. */
export function cookiesOf(reply: Reply): string[] {
  const header = reply.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return all.map((cookie) => cookie.split(';', 1)[0]);
}

/** How many replies had each status, e.g. `{ 401: 5, 429: 45 }`. */
export function statusCounts(replies: Reply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of replies) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
