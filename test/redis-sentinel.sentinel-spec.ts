import request from 'supertest';
import { startApp, TestApp } from './support/app';
import { cookiePair, PASSWORD, uniqueEmail, uniqueIp } from './support/client';
import { RedisSentinelSet } from './support/redis-sentinel';
import { sleep } from './support/server-process';

/**
 * SENTINEL FAILOVER under steady traffic (logins, refreshes, logouts, posts), `both` mode so
 * that cookie sessions, refresh families and the denylist all go through it, with
 * REDIS_WRITE_REPLICAS=1: one master, one replica, three sentinels, all started here.
 *
 * What must hold (issue 10): no 500 ever, 503 only while the failover lasts, recovery without a
 * restart; nothing that was acknowledged is lost: a logout or revocation answered 204 stays in
 * force (its cookie and tokens are 401 afterwards), a login answered 200 keeps its session, a
 * rotation answered 200 keeps its new refresh token valid (a lost rotation would look like
 * reuse and log an innocent user out). A request answered 503 promised nothing: what it
 * touched is not asserted.
 */

const COOKIE_USERS = 4;
const BEARER_USERS = 4;
/** Full cycles each user completes before the failover, and after the service has recovered. */
const CYCLES_BEFORE = 2;
const CYCLES_AFTER = 3;
/** Every third cycle keeps its session or family instead of logging out, to check it survives. */
const KEEP_EVERY = 3;

type Phase = 'before' | 'failover' | 'recovering' | 'after';

interface Answer {
  user: string;
  step: string;
  status: number;
  phase: Phase;
  /** When the answer came (Date.now()). */
  at: number;
}

interface Ledger {
  answers: Answer[];
  /** Cookie headers whose logout was answered 204. */
  endedCookies: string[];
  /** Cookie headers of sessions whose login was answered 200 and that were never ended. */
  keptCookies: string[];
  /** Access and refresh tokens whose logout was answered 204. */
  endedTokens: Array<{ accessToken: string; refreshToken: string }>;
  /** The latest acknowledged token pair of families that were kept. */
  keptTokens: Array<{ accessToken: string; refreshToken: string }>;
}

describe('Redis Sentinel: a failover under traffic (both mode, REDIS_WRITE_REPLICAS=1)', () => {
  let sentinels: RedisSentinelSet;
  let t: TestApp;
  let url: string;
  let phase: Phase = 'before';
  const ledger: Ledger = { answers: [], endedCookies: [], keptCookies: [], endedTokens: [], keptTokens: [] };

  beforeAll(async () => {
    sentinels = await RedisSentinelSet.start({ password: 'data-node-secret', sentinelPassword: 'sentinel-secret' });
    t = await startApp({
      ...sentinels.env,
      REDIS_WRITE_REPLICAS: '1',
      REDIS_WRITE_TIMEOUT: '500',
      LOGIN_MAX_ATTEMPTS: '100000',
    });
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sentinels?.stop();
  });

  /** Sends one request and writes its answer down; the caller decides what the answer means. */
  async function call(user: string, step: string, pending: request.Test): Promise<request.Response> {
    const sentIn = phase;
    const res = await pending;
    ledger.answers.push({ user, step, status: res.status, phase: sentIn, at: Date.now() });
    return res;
  }

  /** Full cycles (every step answered as expected) per user, by the phase the cycle started in. */
  const completed = new Map<string, Record<Phase, number>>();
  function complete(user: string, startedIn: Phase): void {
    const counts = completed.get(user) ?? { before: 0, failover: 0, recovering: 0, after: 0 };
    counts[startedIn] += 1;
    completed.set(user, counts);
  }
  const completedIn = (user: string, inPhase: Phase) => completed.get(user)?.[inPhase] ?? 0;

  /** One virtual user with a cookie: login, CSRF, post, me, then logout (or keep the session), until done. */
  async function cookieUser(user: string, email: string, ip: string, done: () => boolean): Promise<void> {
    for (let cycle = 0; !done(); cycle++) {
      const startedIn = phase;
      const login = await call(
        user,
        'login',
        request(url).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: PASSWORD }),
      );
      if (login.status !== 200) continue;
      const sid = cookiePair(login, 'sid');
      const csrf = await call(user, 'csrf', request(url).get('/auth/csrf').set('Cookie', sid));
      if (csrf.status !== 200) continue;
      const cookie = `${sid}; ${cookiePair(csrf, 'csrf')}`;
      const token = (csrf.body as { csrfToken: string }).csrfToken;
      const post = await call(
        user,
        'post',
        request(url)
          .post('/posts')
          .set('Cookie', cookie)
          .set('X-CSRF-Token', token)
          .send({ text: `${user} ${cycle}`, location: { type: 'Point', coordinates: [2.35, 48.85] } }),
      );
      if (post.status !== 201) continue;
      const me = await call(user, 'me', request(url).get('/auth/me').set('Cookie', cookie));
      if (me.status !== 200) continue;
      if (cycle % KEEP_EVERY === KEEP_EVERY - 1) {
        ledger.keptCookies.push(sid);
        complete(user, startedIn);
        continue;
      }
      const logout = await call(
        user,
        'logout',
        request(url).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', token),
      );
      if (logout.status !== 204) continue;
      ledger.endedCookies.push(sid);
      complete(user, startedIn);
    }
  }

  /** One virtual user with tokens: login, me, post, refresh, logout with the refresh token (or keep). */
  async function bearerUser(user: string, email: string, ip: string, done: () => boolean): Promise<void> {
    for (let cycle = 0; !done(); cycle++) {
      const startedIn = phase;
      const login = await call(
        user,
        'login',
        request(url).post('/auth/login').set('X-Forwarded-For', ip).send({ email, password: PASSWORD }),
      );
      if (login.status !== 200) continue;
      let tokens = login.body as { accessToken: string; refreshToken: string };
      const me = await call(
        user,
        'me',
        request(url).get('/auth/me').set('Authorization', `Bearer ${tokens.accessToken}`),
      );
      if (me.status !== 200) continue;
      const post = await call(
        user,
        'post',
        request(url)
          .post('/posts')
          .set('Authorization', `Bearer ${tokens.accessToken}`)
          .send({ text: `${user} ${cycle}`, location: { type: 'Point', coordinates: [2.35, 48.85] } }),
      );
      if (post.status !== 201) continue;
      const refresh = await call(
        user,
        'refresh',
        request(url).post('/auth/refresh').send({ refreshToken: tokens.refreshToken }),
      );
      // After a 503 nobody knows whether the rotation happened: this family is left alone.
      if (refresh.status !== 200) continue;
      tokens = refresh.body as typeof tokens;
      if (cycle % KEEP_EVERY === KEEP_EVERY - 1) {
        ledger.keptTokens.push(tokens);
        complete(user, startedIn);
        continue;
      }
      const logout = await call(
        user,
        'logout',
        request(url)
          .post('/auth/logout')
          .set('Authorization', `Bearer ${tokens.accessToken}`)
          .send({ refreshToken: tokens.refreshToken }),
      );
      if (logout.status !== 204) continue;
      ledger.endedTokens.push(tokens);
      complete(user, startedIn);
    }
  }

  it('answers no 500, 503 only during the failover, recovers by itself, and loses nothing acknowledged', async () => {
    const users = [
      ...Array.from({ length: COOKIE_USERS }, (_v, i) => ({ name: `cookie-${i}`, kind: 'cookie' as const })),
      ...Array.from({ length: BEARER_USERS }, (_v, i) => ({ name: `bearer-${i}`, kind: 'bearer' as const })),
    ];
    const accounts = new Map<string, { email: string; ip: string }>();
    for (const user of users) {
      const account = { email: uniqueEmail(user.name), ip: uniqueIp() };
      await request(url)
        .post('/auth/register')
        .set('X-Forwarded-For', account.ip)
        .send({ email: account.email, password: PASSWORD })
        .expect(201);
      accounts.set(user.name, account);
    }

    let stop = false;
    const traffic = users.map(({ name, kind }) => {
      const { email, ip } = accounts.get(name)!;
      return (kind === 'cookie' ? cookieUser : bearerUser)(name, email, ip, () => stop);
    });

    /** Waits until every user completed `cycles` cycles started in `inPhase`; bounded by a count of answers. */
    const waitForCycles = async (inPhase: Phase, cycles: number) => {
      while (users.some(({ name }) => completedIn(name, inPhase) < cycles)) {
        const answers = ledger.answers.filter((a) => a.phase === inPhase);
        if (answers.length > 200 * users.length) {
          const statuses = answers.reduce<Record<string, number>>((all, a) => {
            const key = `${a.step} ${a.status}`;
            return { ...all, [key]: (all[key] ?? 0) + 1 };
          }, {});
          throw new Error(`users do not complete cycles in phase ${inPhase}: ${JSON.stringify(statuses)}`);
        }
        await sleep(50);
      }
    };

    let failover: { from: number; to: number };
    let failoverStarted = 0;
    let failoverEnded = 0;
    try {
      // Steady traffic first: every user through CYCLES_BEFORE full cycles.
      await waitForCycles('before', CYCLES_BEFORE);

      phase = 'failover';
      failoverStarted = Date.now();
      failover = await sentinels.failover();
      failoverEnded = Date.now();

      // Recovery needs no restart: /health returns to 200 on this same instance.
      phase = 'recovering';
      for (let i = 0; (await request(url).get('/health')).status !== 200; i++) {
        if (i > 300) throw new Error('/health did not return to 200 within 30 s of the failover ending');
        await sleep(100);
      }
      phase = 'after';
      await waitForCycles('after', CYCLES_AFTER);
    } finally {
      stop = true;
      await Promise.all(traffic);
    }
    expect(failover.to).not.toBe(failover.from);

    const unavailable = ledger.answers.filter((a) => a.status === 503).map((a) => a.at - failoverStarted);
    const summary = {
      requests: ledger.answers.length,
      by503: unavailable.length,
      // Milliseconds after SENTINEL FAILOVER: its end (the old master resynced as a replica), the 503s.
      failoverEndedMs: failoverEnded - failoverStarted,
      first503Ms: unavailable.length ? Math.min(...unavailable) : null,
      last503Ms: unavailable.length ? Math.max(...unavailable) : null,
      endedCookies: ledger.endedCookies.length,
      keptCookies: ledger.keptCookies.length,
      endedFamilies: ledger.endedTokens.length,
      keptFamilies: ledger.keptTokens.length,
    };
    console.log(`sentinel failover ${failover.from} -> ${failover.to}: ${JSON.stringify(summary)}`);

    // No 500, nor any other answer than the expected one or 503.
    const expected: Record<string, number> = { login: 200, csrf: 200, post: 201, me: 200, refresh: 200, logout: 204 };
    const unexpected = ledger.answers.filter((a) => a.status !== expected[a.step] && a.status !== 503);
    expect(unexpected).toEqual([]);
    // 503 only while the failover lasted: none before it, none once the service had recovered.
    expect(ledger.answers.filter((a) => a.status === 503 && (a.phase === 'before' || a.phase === 'after'))).toEqual([]);

    // Nothing acknowledged is lost.
    const lost: string[] = [];
    for (const cookie of ledger.endedCookies) {
      const res = await request(url).get('/auth/me').set('Cookie', cookie);
      if (res.status !== 401) lost.push(`a logged-out cookie session answers ${res.status}`);
    }
    for (const cookie of ledger.keptCookies) {
      const res = await request(url).get('/auth/me').set('Cookie', cookie);
      if (res.status !== 200) lost.push(`a live cookie session answers ${res.status}`);
    }
    for (const { accessToken, refreshToken } of ledger.endedTokens) {
      const me = await request(url).get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
      if (me.status !== 401) lost.push(`a revoked access token answers ${me.status}`);
      const refresh = await request(url).post('/auth/refresh').send({ refreshToken });
      if (refresh.status !== 401) lost.push(`a revoked refresh token answers ${refresh.status}`);
    }
    for (const { accessToken, refreshToken } of ledger.keptTokens) {
      const me = await request(url).get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
      if (me.status !== 200) lost.push(`a live access token answers ${me.status}`);
      const refresh = await request(url).post('/auth/refresh').send({ refreshToken });
      if (refresh.status !== 200) lost.push(`the latest refresh token of a live family answers ${refresh.status}`);
    }
    expect(lost).toEqual([]);
  }, 300_000);
});
