/**
 * Bounded load test (issue 4, "Load"): `npm run test:load`.
 *
 * For each AUTH_STRATEGY (session, jwt, both) it starts the real server in a child process
 * (memory data store, sessions and tokens in a private redis-server of this run), registers and
 * logs in 20 users, then drives it with autocannon over loopback: a warm-up of 500 requests on
 * 10 connections, then LOAD_REQUESTS requests (default 10 000) on LOAD_CONNECTIONS connections
 * (default 10 per CPU core, at most 100). Every connection repeats a cycle of 20 requests: log in,
 * GET /auth/csrf (cookie) or GET /auth/me (bearer), then 9 × (GET /posts/near, POST /posts with a
 * unique text); see drive(). Every request is valid, so every response must have its success
 * status.
 *
 * The work is bounded by counts, not by time: a busy machine makes the run slower, never a
 * failure. It fails (exit 1) on what is wrong: any 5xx, any other unexpected status, any socket
 * error, any request left without an answer, a server that dies or does not stop cleanly, and
 * any post acknowledged with 201 that cannot be read back afterwards (GET /posts/:id: 200, same
 * text). Both runs are checked the same way. The only clocks are hang detectors far beyond any
 * load (REQUEST_TIMEOUT_S, the watchdog).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { startPrivateRedis } from '../support/private-redis';
import type { RedisServer } from '../support/redis-server';
import { ServerProcess } from '../support/server-process';
import { autocannon, type AutocannonClient, type AutocannonRequest, type AutocannonResult } from './autocannon';
import { addCookie, call, cookieHeader, describe, eachBounded, truncate } from './http';

type Mode = 'session' | 'jwt' | 'both';
const ALL_MODES: readonly Mode[] = ['session', 'jwt', 'both'];

/**
 * Connections sized to the machine: on 2 cores the server accepts one new connection per
 * event-loop turn, and 100 of them opened at once waited seconds in the accept queue.
 */
const DEFAULT_CONNECTIONS = Math.min(100, Math.max(10, 10 * availableParallelism()));
const CONNECTIONS = intFromEnv('LOAD_CONNECTIONS', DEFAULT_CONNECTIONS, 1, 2000);
const REQUESTS = intFromEnv('LOAD_REQUESTS', 10_000, 1, 10_000_000);
/** Before the measured run, a short one with few connections, checked the same way: the server's code gets compiled (JIT). */
const WARMUP = { connections: Math.min(10, CONNECTIONS), requests: 500 };
const MODES = modesFromEnv();

/** Users per mode; logins go round-robin over them. */
const USERS = 20;
const PASSWORD = 'load-test password 1';
/** After login and csrf/me, this many (near, post) pairs: a login is 1 request in 20 (5%). */
const PAIRS_PER_LOGIN = 9;
/**
 * Seconds autocannon waits for an answer before it counts a timeout (a failure). Not a latency
 * target: answers under this load take milliseconds to a few seconds on a busy 2-core machine;
 * this only catches a request the server never answers.
 */
const REQUEST_TIMEOUT_S = 120;
/** Each setup and read-back call (fetch): the same idea, a hang and not slowness. */
const CALL_TIMEOUT_MS = 120_000;
const READBACK_CONCURRENCY = 16;
/**
 * The whole run, whatever happens: a hang detector, not a deadline. A mode takes about half a
 * minute on an idle 2-core machine and a few minutes on a loaded one; 20 minutes is far beyond.
 */
const WATCHDOG_MS = MODES.length * 20 * 60_000;
/** How long the server may take to answer GET /health after it starts (ts-node compiles first). */
const START_TIMEOUT_MS = 120_000;

/** Unique per run: in every post text, so read-back can tell this run's posts apart. */
const RUN_ID = randomBytes(4).toString('hex');
/** Around the Trocadéro: posts within ~10 km, so a near query (5 km by default) finds some. */
const CENTRE = { lng: 2.2874, lat: 48.8616 };

type RequestKind = 'login' | 'csrf' | 'me' | 'near' | 'post';
const EXPECTED: Record<RequestKind, number> = { login: 200, csrf: 200, me: 200, near: 200, post: 201 };
const ROUTES: Record<RequestKind, string> = {
  login: 'POST /auth/login',
  csrf: 'GET /auth/csrf',
  me: 'GET /auth/me',
  near: 'GET /posts/near',
  post: 'POST /posts',
};

interface Acknowledged {
  id: string;
  text: string;
}

/** Everything the run observed in one mode; `violations` is what fails it. */
class Tally {
  readonly statuses = new Map<RequestKind, Map<number, number>>();
  readonly acknowledged: Acknowledged[] = [];
  /** Milliseconds from sending to the answer, per kind of request, in the measured run (not the warm-up). */
  readonly latencies = new Map<RequestKind, number[]>();
  /** Responses per second of the measured run, to show a trend. */
  readonly perSecond: number[] = [];
  measuredFrom = 0;
  private posts = 0;
  private readonly failures: string[] = [];
  /** Problems seen many times: a count and the first few distinct examples. */
  private readonly problems = new Map<string, { count: number; examples: string[] }>();

  record(kind: RequestKind, status: number, body: string, latencyMs: number): void {
    if (this.measuredFrom > 0) {
      const list = this.latencies.get(kind) ?? [];
      this.latencies.set(kind, list);
      list.push(latencyMs);
      const second = Math.floor((Date.now() - this.measuredFrom) / 1000);
      this.perSecond[second] = (this.perSecond[second] ?? 0) + 1;
    }
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>();
    this.statuses.set(kind, byStatus.set(status, (byStatus.get(status) ?? 0) + 1));
    if (status !== EXPECTED[kind]) this.sample(`${ROUTES[kind]} answered ${status}`, truncate(body));
  }

  /** A text no other post of this run has. */
  nextPostText(mode: Mode): string {
    return `load ${RUN_ID} ${mode} #${this.posts++}`;
  }

  /** A failure; `first` puts it at the top of the list. */
  fail(message: string, first = false): void {
    if (first) this.failures.unshift(message);
    else this.failures.push(message);
  }

  /** A failure that may happen many times: counted, with up to 3 distinct examples. */
  sample(problem: string, example: string): void {
    const entry = this.problems.get(problem) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 3 && !entry.examples.includes(example)) entry.examples.push(example);
    this.problems.set(problem, entry);
  }

  get violations(): string[] {
    const sampled = [...this.problems].map(
      ([problem, { count, examples }]) => `${problem} (${count}×), for example: ${examples.join(' | ')}`,
    );
    return [...this.failures, ...sampled];
  }

  responses(): number {
    let total = 0;
    for (const byStatus of this.statuses.values()) for (const n of byStatus.values()) total += n;
    return total;
  }

  count5xx(): number {
    let total = 0;
    for (const byStatus of this.statuses.values()) {
      for (const [status, n] of byStatus) if (status >= 500) total += n;
    }
    return total;
  }
}

interface ModeReport {
  mode: Mode;
  result?: AutocannonResult;
  warmup?: AutocannonResult;
  tally: Tally;
  lost: number;
  readBack: number;
  readBackMs: number;
  serverWarnings: string[];
  elapsedMs: number;
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`LOAD TEST FAILED: still running after ${WATCHDOG_MS / 1000} s; stopping (servers are killed)`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  if (REQUESTS < CONNECTIONS)
    throw new Error(`LOAD_REQUESTS (${REQUESTS}) must be at least LOAD_CONNECTIONS (${CONNECTIONS})`);
  // A Redis of this run's own: nothing is written to the machine's Redis, nothing is left behind.
  const redis = await startPrivateRedis();
  console.log(
    `Load test: ${REQUESTS} requests on ${CONNECTIONS} connections per mode (${MODES.join(', ')}), ` +
      `private Redis at ${redis.url}, run ${RUN_ID}`,
  );

  const started = Date.now();
  const reports: ModeReport[] = [];
  try {
    for (const mode of MODES) {
      const report = await runMode(mode, redis);
      reports.push(report);
      printReport(report);
    }
  } finally {
    await redis.stop();
  }

  const failed = reports.filter((report) => report.tally.violations.length > 0);
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  if (failed.length > 0) {
    console.error(`LOAD TEST FAILED in ${failed.map((report) => report.mode).join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log('Load test passed: no 5xx, no unexpected status, no socket error, every acknowledged post read back.');
  }
}

async function runMode(mode: Mode, redis: RedisServer): Promise<ModeReport> {
  const started = Date.now();
  const tally = new Tally();
  const report: ModeReport = { mode, tally, lost: 0, readBack: 0, readBackMs: 0, serverWarnings: [], elapsedMs: 0 };
  const server = await ServerProcess.start({
    readyTimeoutMs: START_TIMEOUT_MS,
    env: {
      AUTH_STRATEGY: mode,
      DATA_STORE: 'memory',
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      // Every login is valid; a failure is reported as an unexpected status, not hidden by a 429 later.
      LOGIN_MAX_ATTEMPTS: '100000',
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
      REGISTER_MAX_PER_IP: '100000',
      // Longer than any run, so that nothing expires mid-run however slow the machine is.
      SESSION_IDLE_TTL: '7200',
      SESSION_ABSOLUTE_TTL: '7200',
      JWT_ACCESS_TTL: '7200',
      JWT_REFRESH_TTL: '7200',
    },
  });
  try {
    const health = await call(server.url, '/health');
    if (health.status !== 200) throw new Error(`GET /health before the load: ${describe(health)}`);

    const emails = await registerUsers(server.url, mode);
    const standings = await logInAll(server.url, mode, emails);
    await smokeTest(server.url, mode, standings[0], tally);
    if (tally.violations.length > 0) return report;

    const warmup = await drive(server.url, mode, emails, standings, tally, WARMUP);
    report.warmup = warmup.result;
    const run = await drive(server.url, mode, emails, standings, tally, {
      connections: CONNECTIONS,
      requests: REQUESTS,
    });
    report.result = run.result;
    report.lost = warmup.lost + run.lost;
    const fivexx = tally.count5xx();
    if (fivexx > 0) tally.fail(`${fivexx} responses with a 5xx status`, true);

    if (server.exit) {
      tally.fail(`the server exited during the load: ${JSON.stringify(server.exit)}`);
      return report;
    }
    const readStarted = Date.now();
    report.readBack = await readBack(server.url, mode, emails[0], tally);
    report.readBackMs = Date.now() - readStarted;
  } catch (error) {
    tally.fail(`${(error as Error).message}`);
  } finally {
    const exit = await server.stop('SIGTERM', 15_000);
    if (exit.code !== 0) {
      tally.fail(`the server did not stop cleanly on SIGTERM: ${JSON.stringify(exit)}`);
    }
    report.serverWarnings = serverWarnings(server);
    report.elapsedMs = Date.now() - started;
  }
  return report;
}

/** Registers USERS users, four at a time (argon2 hashing is deliberately slow). */
async function registerUsers(baseUrl: string, mode: Mode): Promise<string[]> {
  const emails = Array.from({ length: USERS }, (_, i) => `load-${RUN_ID}-${mode}-${i}@example.com`);
  await eachBounded(emails, 4, async (email) => {
    const reply = await call(baseUrl, '/auth/register', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Load' },
      timeoutMs: CALL_TIMEOUT_MS,
    });
    if (reply.status !== 201) throw new Error(`POST /auth/register ${email}: ${describe(reply)}`);
  });
  return emails;
}

/** What one login gives a client: the cookies and a CSRF token bound to them, and/or an access token. */
interface Standing {
  cookies: Record<string, string>;
  csrfToken: string;
  accessToken: string;
}

type Via = 'cookie' | 'bearer';

function viasOf(mode: Mode): Via[] {
  return mode === 'session' ? ['cookie'] : mode === 'jwt' ? ['bearer'] : ['cookie', 'bearer'];
}

/** Logs in as a client would: in `session` and `both` modes it then fetches a CSRF token for the new session. */
async function logIn(baseUrl: string, mode: Mode, email: string): Promise<Standing> {
  const login = await call(baseUrl, '/auth/login', {
    method: 'POST',
    body: { email, password: PASSWORD },
    timeoutMs: CALL_TIMEOUT_MS,
  });
  if (login.status !== 200) throw new Error(`POST /auth/login: ${describe(login)}`);
  const standing: Standing = { cookies: {}, csrfToken: '', accessToken: '' };
  if (mode !== 'session') {
    const { accessToken } = login.body as { accessToken?: string };
    if (!accessToken) throw new Error(`POST /auth/login gave no accessToken in ${mode} mode: ${describe(login)}`);
    standing.accessToken = accessToken;
  }
  if (mode !== 'jwt') {
    const csrf = await call(baseUrl, '/auth/csrf', {
      headers: { cookie: cookieHeader(login.cookies) },
      timeoutMs: CALL_TIMEOUT_MS,
    });
    if (csrf.status !== 200) throw new Error(`GET /auth/csrf: ${describe(csrf)}`);
    standing.cookies = Object.fromEntries([...login.cookies, ...csrf.cookies]);
    standing.csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  }
  return standing;
}

/** The credential headers of a request: the cookies (plus the CSRF header on unsafe methods), or the bearer token. */
function credentialHeaders(standing: Standing, via: Via, unsafe: boolean): Record<string, string> {
  if (via === 'bearer') return { authorization: `Bearer ${standing.accessToken}` };
  const headers: Record<string, string> = { cookie: cookieHeader(standing.cookies) };
  if (unsafe) headers['x-csrf-token'] = standing.csrfToken;
  return headers;
}

/** Logs every user in once, four at a time: each connection starts with one of these (see drive()). */
async function logInAll(baseUrl: string, mode: Mode, emails: string[]): Promise<Standing[]> {
  const standings = new Map<string, Standing>();
  await eachBounded(emails, 4, async (email) => {
    standings.set(email, await logIn(baseUrl, mode, email));
  });
  if (standings.size !== emails.length) throw new Error(`only ${standings.size} of ${emails.length} users logged in`);
  return emails.map((email) => standings.get(email) as Standing);
}

/** One of each request with each credential of the mode before the load, so a misconfiguration shows as one clear failure. */
async function smokeTest(baseUrl: string, mode: Mode, standing: Standing, tally: Tally): Promise<void> {
  for (const via of viasOf(mode)) {
    const text = `load ${RUN_ID} ${mode} smoke ${via}`;
    const created = await call(baseUrl, '/posts', {
      method: 'POST',
      headers: credentialHeaders(standing, via, true),
      body: { text, location: { type: 'Point', coordinates: [CENTRE.lng, CENTRE.lat] } },
      timeoutMs: CALL_TIMEOUT_MS,
    });
    if (created.status !== 201) {
      tally.fail(`smoke test (${via}): POST /posts: ${describe(created)}`);
      continue;
    }
    tally.acknowledged.push({ id: (created.body as { id: string }).id, text });
    const near = await call(baseUrl, `/posts/near?lng=${CENTRE.lng}&lat=${CENTRE.lat}`, {
      headers: credentialHeaders(standing, via, false),
      timeoutMs: CALL_TIMEOUT_MS,
    });
    if (near.status !== 200 || !Array.isArray(near.body) || near.body.length === 0) {
      tally.fail(`smoke test (${via}): GET /posts/near: ${describe(near)}`);
    }
  }
}

/** A point within about 10 km of the centre, rounded to 6 decimals (about 0.1 m). */
function randomPoint(): [number, number] {
  const jitter = () => Math.round((Math.random() - 0.5) * 0.2 * 1e6) / 1e6;
  return [Math.round((CENTRE.lng + jitter()) * 1e6) / 1e6, Math.round((CENTRE.lat + jitter()) * 1e6) / 1e6];
}

/** A JSON object body; anything else is reported (never thrown: this runs inside autocannon's parser). */
function parseObject(body: string, route: string, tally: Tally): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  tally.sample(`${route} answered a success without a JSON object`, truncate(body));
  return {};
}

/** A string field of a JSON object body; its absence is reported, and gives ''. */
function stringField(body: string, field: string, route: string, tally: Tally): string {
  const value = parseObject(body, route, tally)[field];
  if (typeof value === 'string' && value !== '') return value;
  tally.sample(`${route} answered a success without ${field}`, truncate(body));
  return '';
}

function header(headers: Record<string, string | string[]>, name: string): string[] {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value : [value];
  }
  return [];
}

/**
 * The autocannon run. Connection k keeps its own state (one request in flight at a time) and cycles
 * through its own copy of the 20 requests, started at an offset that spreads the connections evenly
 * over the cycle: logins arrive spread out (about 5 at any moment with 100 connections), as from real
 * clients, rather than 100 argon2 verifications at the same instant. Until its first login a
 * connection uses the credential its user got in setup (users[k % 20]). In `both` mode even
 * connections use the cookie, odd ones the bearer token.
 */
async function drive(
  baseUrl: string,
  mode: Mode,
  emails: string[],
  standings: Standing[],
  tally: Tally,
  load: { connections: number; requests: number },
): Promise<{ result: AutocannonResult; lost: number }> {
  const label = load === WARMUP ? 'warm-up' : 'load';

  const cycleFor = (k: number): { requests: AutocannonRequest[]; timedOut: () => RequestKind | undefined } => {
    const email = emails[k % emails.length];
    const via: Via = mode === 'session' || (mode === 'both' && k % 2 === 0) ? 'cookie' : 'bearer';
    const start = standings[k % standings.length];
    const state: Standing = {
      cookies: { ...start.cookies },
      csrfToken: start.csrfToken,
      accessToken: start.accessToken,
    };
    let pendingText = '';
    // The request in flight, and the one before (autocannon sends the next one before it reports a timeout).
    let inFlight: { kind: RequestKind; sentAt: number } | undefined;
    let previous: typeof inFlight;
    const begin = (kind: RequestKind) => {
      previous = inFlight;
      inFlight = { kind, sentAt: Date.now() };
    };
    const record = (status: number, body: string) => {
      if (inFlight) tally.record(inFlight.kind, status, body, Date.now() - inFlight.sentAt);
    };
    const credentials = (unsafe: boolean) => credentialHeaders(state, via, unsafe);
    /** Every response may set or refresh a cookie (the session's rolling expiry): keep them, as a browser does. */
    const keepCookies = (headers: Record<string, string | string[]>) => {
      if (via === 'cookie') for (const setCookie of header(headers, 'set-cookie')) addCookie(state.cookies, setCookie);
    };

    const login: AutocannonRequest = {
      method: 'POST',
      path: '/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
      setupRequest: (request) => {
        begin('login');
        return request;
      },
      onResponse: (status, body, _context, headers) => {
        record(status, body);
        if (status !== 200) return;
        // A fresh session: only its own cookies from now on; the CSRF token comes with the next request.
        if (via === 'cookie') state.cookies = {};
        keepCookies(headers);
        if (via === 'bearer') state.accessToken = stringField(body, 'accessToken', 'POST /auth/login', tally);
      },
    };
    // Cookie: a CSRF token bound to the new session; bearer: a plain authenticated read.
    const afterLogin: AutocannonRequest = {
      method: 'GET',
      path: via === 'cookie' ? '/auth/csrf' : '/auth/me',
      setupRequest: (request) => {
        begin(via === 'cookie' ? 'csrf' : 'me');
        return { ...request, headers: { ...request.headers, ...credentials(false) } };
      },
      onResponse: (status, body, _context, headers) => {
        record(status, body);
        keepCookies(headers);
        if (status === 200 && via === 'cookie')
          state.csrfToken = stringField(body, 'csrfToken', 'GET /auth/csrf', tally);
      },
    };
    const near: AutocannonRequest = {
      method: 'GET',
      setupRequest: (request) => {
        begin('near');
        const [lng, lat] = randomPoint();
        return {
          ...request,
          path: `/posts/near?lng=${lng}&lat=${lat}`,
          headers: { ...request.headers, ...credentials(false) },
        };
      },
      onResponse: (status, body, _context, headers) => {
        record(status, body);
        keepCookies(headers);
        if (status === 200 && !body.startsWith('['))
          tally.sample('GET /posts/near: 200 without a list', truncate(body));
      },
    };
    const post: AutocannonRequest = {
      method: 'POST',
      path: '/posts',
      setupRequest: (request) => {
        begin('post');
        pendingText = tally.nextPostText(mode);
        const body = JSON.stringify({ text: pendingText, location: { type: 'Point', coordinates: randomPoint() } });
        const headers = { ...request.headers, 'content-type': 'application/json', ...credentials(true) };
        return { ...request, body, headers };
      },
      onResponse: (status, body, _context, headers) => {
        record(status, body);
        keepCookies(headers);
        if (status !== 201) return;
        const created = parseObject(body, 'POST /posts', tally);
        if (typeof created.id !== 'string' || !/^[0-9a-f]{24}$/.test(created.id) || created.text !== pendingText) {
          tally.sample(
            'POST /posts: 201 with another post than the one sent',
            `sent "${pendingText}", got ${truncate(body)}`,
          );
          return;
        }
        tally.acknowledged.push({ id: created.id, text: created.text });
      },
    };

    const cycle = [login, afterLogin];
    for (let i = 0; i < PAIRS_PER_LOGIN; i++) cycle.push(near, post);
    const offset = Math.floor((k * cycle.length) / load.connections) % cycle.length;
    return { requests: [...cycle.slice(offset), ...cycle.slice(0, offset)], timedOut: () => previous?.kind };
  };

  // Per connection: requests sent, answered and failed. A run bounded by `amount` ends once every
  // connection has had the answer to its last request: none may be left in flight.
  const connections: { sent: number; answered: number; failed: number }[] = [];
  const setupClient = (client: AutocannonClient) => {
    const counts = { sent: 0, answered: 0, failed: 0 };
    // Called before the connection sends anything: its own requests replace the placeholder below.
    const cycle = cycleFor(connections.length);
    client.setRequests(cycle.requests);
    connections.push(counts);
    client.on('request', () => counts.sent++);
    client.on('response', () => counts.answered++);
    client.on('connError', () => counts.failed++);
    client.on('timeout', () => {
      counts.failed++;
      const kind = cycle.timedOut();
      tally.sample(`no answer within ${REQUEST_TIMEOUT_S} s`, kind ? ROUTES[kind] : 'unknown request');
    });
  };

  const responsesBefore = tally.responses();
  if (load !== WARMUP) tally.measuredFrom = Date.now();
  const instance = autocannon({
    url: baseUrl,
    connections: load.connections,
    amount: load.requests,
    timeout: REQUEST_TIMEOUT_S,
    // Never sent: setupClient gives every connection its own list before its first request.
    requests: [{ method: 'GET', path: '/health' }],
    setupClient,
  });
  const socketErrors = new Map<string, number>();
  instance.on('reqError', (error: NodeJS.ErrnoException) => {
    const key = error.code ? `${error.code} ${error.message}` : error.message;
    socketErrors.set(key, (socketErrors.get(key) ?? 0) + 1);
  });
  const result = await instance;

  if (result.errors > 0 || result.timeouts > 0) {
    const kinds = [...socketErrors].map(([message, n]) => `${n} × ${message}`).join('; ');
    tally.fail(`${label}: ${result.errors} socket errors, ${result.timeouts} of them timeouts: ${kinds}`);
  }
  const lost = connections.reduce((sum, c) => sum + Math.max(0, c.sent - c.answered - c.failed), 0);
  if (lost > 0) tally.fail(`${label}: ${lost} requests got neither an answer nor an error (connection closed?)`);
  const unseen = result.requests.total - (tally.responses() - responsesBefore);
  if (unseen !== 0) tally.fail(`${label}: autocannon counted ${unseen} more responses than the test's handlers saw`);
  const settled = result.requests.total + result.errors;
  if (settled < load.requests) tally.fail(`${label}: ${settled} of ${load.requests} requests answered or failed`);
  return { result, lost };
}

/** GET /posts/:id for every acknowledged post: 200 and the same text. Returns how many were read back intact. */
async function readBack(baseUrl: string, mode: Mode, email: string, tally: Tally): Promise<number> {
  const headers = credentialHeaders(await logIn(baseUrl, mode, email), viasOf(mode)[0], false);
  let intact = 0;
  await eachBounded(tally.acknowledged, READBACK_CONCURRENCY, async ({ id, text }) => {
    try {
      const reply = await call(baseUrl, `/posts/${id}`, { headers, timeoutMs: CALL_TIMEOUT_MS });
      const body = reply.body as { id?: string; text?: string } | undefined;
      if (reply.status === 200 && body?.id === id && body.text === text) intact++;
      else tally.sample('read-back: GET /posts/:id', `${id} ("${text}"): ${describe(reply)}`);
    } catch (error) {
      tally.sample('read-back: GET /posts/:id failed', `${id}: ${(error as Error).message}`);
    }
  });
  const missing = tally.acknowledged.length - intact;
  if (missing > 0) tally.fail(`${missing} acknowledged posts not read back intact (data lost)`, true);
  return intact;
}

/** The server's warn/error log lines (LOG_LEVEL=warn), and anything on stderr. */
function serverWarnings(server: ServerProcess): string[] {
  const lines = server.logRecords().map((record) => {
    const message = typeof record.msg === 'string' ? record.msg : JSON.stringify(record);
    return `level ${String(record.level)}: ${message}`;
  });
  const stderr = server.stderr.split('\n').filter((line) => line.trim() !== '');
  return [...lines, ...stderr];
}

function printReport(report: ModeReport): void {
  const { mode, result, tally } = report;
  console.log(`\n== ${mode} (${(report.elapsedMs / 1000).toFixed(1)} s including start-up and read-back)`);
  if (result) {
    if (report.warmup) {
      const { warmup } = report;
      console.log(
        `  warm-up: ${WARMUP.requests} requests on ${WARMUP.connections} connections, ` +
          `${warmup.requests.total} responses in ${warmup.duration.toFixed(1)} s, socket errors ${warmup.errors}`,
      );
    }
    const answered = result.requests.total;
    console.log(
      `  ${answered} responses in ${result.duration.toFixed(1)} s = ${Math.round(answered / result.duration)} req/s; ` +
        `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
        `socket errors ${result.errors}, timeouts ${result.timeouts}, unanswered ${report.lost}`,
    );
    console.log('  per route: statuses (warm-up included), latency (measured run)');
    for (const kind of (Object.keys(ROUTES) as RequestKind[]).filter((kind) => tally.statuses.has(kind))) {
      const statuses = [...(tally.statuses.get(kind) ?? [])].map(([status, n]) => `${status}×${n}`).join(' ');
      const sorted = [...(tally.latencies.get(kind) ?? [])].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      console.log(
        `    ${ROUTES[kind].padEnd(17)} ${statuses.padEnd(12)} p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
      );
    }
    const rate = (seconds: number[]) => Math.round(seconds.reduce((sum, n) => sum + (n ?? 0), 0) / seconds.length);
    const full = tally.perSecond.slice(0, Math.floor(result.duration));
    if (full.length >= 10) {
      console.log(`  req/s over the first 5 s: ${rate(full.slice(0, 5))}, over the last 5 s: ${rate(full.slice(-5))}`);
    }
    console.log(
      `  posts acknowledged ${tally.acknowledged.length}, read back intact ${report.readBack} ` +
        `(in ${(report.readBackMs / 1000).toFixed(1)} s)`,
    );
  }
  if (report.serverWarnings.length > 0) {
    console.log(`  server warnings/errors: ${report.serverWarnings.length}, first ones:`);
    for (const line of report.serverWarnings.slice(0, 5)) console.log(`    ${truncate(line, 400)}`);
  }
  if (tally.violations.length > 0) {
    console.error(`  FAILED (${mode}):`);
    for (const violation of tally.violations) console.error(`    - ${violation}`);
  } else {
    console.log(`  ok`);
  }
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

function modesFromEnv(): Mode[] {
  const raw = process.env.LOAD_MODES;
  if (!raw) return [...ALL_MODES];
  const modes = raw.split(',').map((mode) => mode.trim());
  const unknown = modes.filter((mode) => !ALL_MODES.includes(mode as Mode));
  if (unknown.length > 0) throw new Error(`LOAD_MODES: unknown mode(s) ${unknown.join(', ')}`);
  return modes as Mode[];
}

main().catch((error: unknown) => {
  console.error(`LOAD TEST FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
