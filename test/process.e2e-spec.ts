import { Agent, request as httpRequest } from 'node:http';
import request from 'supertest';
import { REDIS_ENV, REDIS_URL, STRATEGY } from './support/app';
import { PASSWORD, uniqueEmail } from './support/client';
import { freePort, SERVER_START_TIMEOUT_MS, ServerProcess, sleep } from './support/server-process';

// Each test starts the server with ts-node: as long as SERVER_START_TIMEOUT_MS explains, and a little more.
jest.setTimeout(SERVER_START_TIMEOUT_MS + 30_000);

interface Outcome {
  status?: number;
  error?: string;
}

/** One request on a keep-alive agent; resolves with its status, or the error it met. */
function send(url: string, agent: Agent, method: string, path: string, body?: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${url}${path}`,
      { method, agent, headers: payload ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode }));
      },
    );
    req.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

describe('the server process', () => {
  it('on SIGTERM under load: finishes what is in flight, refuses new connections, exits 0', async () => {
    const server = await ServerProcess.start({
      env: { AUTH_STRATEGY: STRATEGY, ...REDIS_ENV, LOG_LEVEL: 'warn', LOGIN_MAX_ATTEMPTS: '1000' },
    });
    const email = uniqueEmail('sigterm');
    await request(server.url).post('/auth/register').send({ email, password: PASSWORD }).expect(201);

    const agent = new Agent({ keepAlive: true, maxSockets: 40 });
    let stopping = false;
    const outcomes: Outcome[] = [];
    // 30 clients hammering a cheap route, each sending its next request only before SIGTERM.
    const readers = Array.from({ length: 30 }, async () => {
      while (!stopping) outcomes.push(await send(server.url, agent, 'GET', '/health'));
    });
    // Counted, not timed: a busy machine only makes this take longer.
    for (let waited = 0; outcomes.length < 100; waited += 20) {
      if (waited > 60_000) throw new Error(`only ${outcomes.length} answers in a minute`);
      await sleep(20);
    }
    // Logins cost tens of milliseconds of argon2 each, 4 at a time: when the first one answers,
    // the later ones have been read and wait for a hashing thread, so they are in flight when
    // SIGTERM arrives. The readers send nothing new from then on: a request written to a
    // keep-alive socket as the server closes it may meet a reset, which HTTP allows.
    stopping = true;
    let firstLoginAnswered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (firstLoginAnswered = resolve));
    const logins = Array.from({ length: 8 }, () =>
      send(server.url, agent, 'POST', '/auth/login', { email, password: PASSWORD }).then((outcome) => {
        firstLoginAnswered();
        return outcome;
      }),
    );
    await firstAnswer;
    void server.stop('SIGTERM', 15_000);

    const loginOutcomes = await Promise.all(logins);
    await Promise.all(readers);
    const exit = await server.exited;

    expect(loginOutcomes).toEqual(Array.from({ length: 8 }, () => ({ status: 200 })));
    expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
    // Exit 0: drained within the service's own 10 s limit (past it, it cuts connections and exits 1).
    expect(exit).toEqual({ code: 0, signal: null });
    // Nothing listens any more.
    expect(await send(server.url, new Agent(), 'GET', '/health')).toEqual({ error: 'ECONNREFUSED' });
    agent.destroy();
  });

  /** A production configuration that start-up accepts (secrets long and varied enough). */
  const SAFE = {
    NODE_ENV: 'production',
    AUTH_STRATEGY: STRATEGY,
    MONGODB_URI: 'mongodb://127.0.0.1:1/never-reached',
    REDIS_URL,
    SESSION_SECRET: 'a-production-session-secret-0123456789abcdef',
    JWT_SECRET: 'a-production-jwt-secret-0123456789abcdefghij',
  };

  describe('refuses unsafe production configuration at start-up', () => {
    it.each([
      ['a memory data store', { MONGODB_URI: undefined }, 'DATA_STORE: memory is refused in production'],
      ['a memory session store', { REDIS_URL: undefined }, 'SESSION_STORE: memory is refused in production'],
      ['no session secret', { SESSION_SECRET: undefined }, 'SESSION_SECRET: is required in production'],
      [
        'the development session secret',
        { SESSION_SECRET: 'dev-only-session-secret-do-not-use-in-production' },
        'SESSION_SECRET: the development default is refused in production',
      ],
      ['no JWT secret', { JWT_SECRET: undefined }, 'JWT_SECRET: is required in production with HS256'],
      ['CORS_ORIGINS=*', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS: "*" is refused'],
      [
        'SameSite=None without Secure',
        { COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'false' },
        'COOKIE_SAMESITE: none requires COOKIE_SECURE=true',
      ],
    ])('%s: exit 1 with one clear line', async (_label, override, line) => {
      const { code, stderr } = await ServerProcess.runToExit({ ...SAFE, ...override });
      expect(code).toBe(1);
      const problems = stderr.split('\n').filter((text) => text.startsWith('Invalid configuration: '));
      expect(problems).toEqual([expect.stringContaining(line)]);
    });

    it('lists every problem at once, one line each', async () => {
      const { code, stderr } = await ServerProcess.runToExit({
        NODE_ENV: 'production',
        AUTH_STRATEGY: STRATEGY,
        CORS_ORIGINS: '*',
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^Invalid configuration: CORS_ORIGINS: /),
        expect.stringMatching(/^Invalid configuration: DATA_STORE: /),
        expect.stringMatching(/^Invalid configuration: SESSION_STORE: /),
        expect.stringMatching(/^Invalid configuration: SESSION_SECRET: /),
        expect.stringMatching(/^Invalid configuration: JWT_SECRET: /),
      ]);
    });
  });

  it('warns at start-up, one log line each, about COOKIE_SECURE=false and an http:// origin in production', async () => {
    // No MongoDB runs on the CI machines: the server logs its warnings, goes on starting, and then
    // gives up on an unreachable MongoDB (as in mongo-startup.e2e-spec.ts), which the warnings precede.
    const { code, stdout, stderr } = await ServerProcess.runToExit({
      ...SAFE,
      MONGODB_URI: `mongodb://127.0.0.1:${await freePort()}/never-reached`,
      MONGODB_CONNECT_TIMEOUT: '1',
      COOKIE_SECURE: 'false',
      CORS_ORIGINS: 'http://app.example.com,https://secure.example.com',
    });
    // Accepted: no configuration problem was refused.
    expect(stderr).toBe('');
    const records = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });
    expect(records.filter((record) => record.level === 40).map((record) => record.msg)).toEqual([
      expect.stringMatching(/^COOKIE_SECURE=false in production: cookies travel over plain HTTP/),
      'CORS_ORIGINS lists http://app.example.com over plain http in production: its traffic can be read and altered',
    ]);
    // What ended the start-up, after the warnings: MongoDB, not the configuration.
    expect(records[records.length - 1]).toMatchObject({ level: 60, context: 'MongoDB' });
    expect(code).toBe(1);
  });
});
